"""The editable problem-category taxonomy: each organisation starts with the national
programme's areas (problems.DEFAULT_CATEGORIES) and may add, rename, reorder, retire
and restore categories.

A category is never deleted: problems keep pointing at it (on_delete=PROTECT). A
retired category stays on the problems that used it, but is not offered for new ones.
Names are unique within an organisation (a database constraint backs the check here,
so a double-submitted "add" stores one category)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from visitt.organisations.models import Organisation

from .problems import Problem, ProblemCategory

MAX_NAME = 100


class CategoryError(Exception):
    """Bad input; the message is for the user, and nothing was stored."""


class StaleCategory(CategoryError):
    """Someone else renamed the category in between; nothing was stored."""


def taxonomy(organisation: Organisation) -> list[ProblemCategory]:
    """All the organisation's categories, active and retired, in their order (one query;
    seeds the national areas on first use)."""
    ProblemCategory.ensure_defaults(organisation)
    return list(
        ProblemCategory.objects.filter(organisation=organisation).order_by("order", "name", "pk")
    )


def _clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CategoryError(_("Write a name for the category."))
    if len(name) > MAX_NAME:
        raise CategoryError(
            _("The name can be at most %(max)d characters long.") % {"max": MAX_NAME}
        )
    return name


def _check_unique(organisation_id: int, name: str, exclude_pk: int | None = None) -> None:
    """Refuses a name the organisation already has, ignoring upper and lower case."""
    clash = ProblemCategory.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    existing = clash.first()
    if existing is None:
        return
    if existing.is_active:
        raise CategoryError(
            _("There is already a category called “%(name)s”.") % {"name": existing.name}
        )
    raise CategoryError(
        _(
            "There is already a retired category called “%(name)s”. Take it back into "
            "use instead of making a new one."
        )
        % {"name": existing.name}
    )


def _duplicate(name: str) -> CategoryError:
    return CategoryError(_("There is already a category called “%(name)s”.") % {"name": name})


def add_category(organisation: Organisation, name: str) -> ProblemCategory:
    """Adds a category last in the order."""
    ProblemCategory.ensure_defaults(organisation)
    name = _clean(name)
    _check_unique(organisation.pk, name)
    last = ProblemCategory.objects.filter(organisation=organisation).aggregate(m=Max("order"))
    try:
        with transaction.atomic():
            return ProblemCategory.objects.create(
                organisation=organisation, name=name, order=(last["m"] or 0) + 1
            )
    except IntegrityError:
        # Someone (or a second click) stored the same name a moment ago.
        raise _duplicate(name) from None


def rename_category(category: ProblemCategory, name: str, *, stored_name: str) -> None:
    """Renames the category if it is still called ``stored_name`` (what the form was
    opened with); a stale rename changes nothing. Problems that use the category show
    the new name."""
    name = _clean(name)
    _check_unique(category.organisation_id, name, exclude_pk=category.pk)
    try:
        with transaction.atomic():
            updated = ProblemCategory.objects.filter(pk=category.pk, name=stored_name).update(
                name=name
            )
    except IntegrityError:
        raise _duplicate(name) from None
    if not updated:
        category.refresh_from_db(fields=["name"])
        raise StaleCategory(
            _(
                "Someone else renamed this category while you were editing. Nothing was "
                "changed: it is now called “%(name)s”."
            )
            % {"name": category.name}
        )
    category.name = name


def move_category(category: ProblemCategory, direction: str) -> bool:
    """Moves an active category one place up or down among the active ones. Returns
    False if it is already first or last."""
    if direction not in ("up", "down"):
        raise CategoryError(_("Choose up or down."))
    with transaction.atomic():
        siblings = list(
            ProblemCategory.objects.select_for_update()
            .filter(organisation_id=category.organisation_id, is_active=True)
            .order_by("order", "name", "pk")
        )
        ids = [c.pk for c in siblings]
        if category.pk not in ids:
            raise CategoryError(_("A retired category cannot be moved."))
        index = ids.index(category.pk)
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        # Renumber in the new order, keeping the slots (retired categories keep theirs).
        slots = sorted(c.order for c in siblings)
        if len(set(slots)) != len(slots):
            slots = list(range(slots[0], slots[0] + len(siblings)))
        for slot, sibling in zip(slots, siblings, strict=True):
            if sibling.order != slot:
                ProblemCategory.objects.filter(pk=sibling.pk).update(order=slot)
    return True


def retire_category(category: ProblemCategory) -> None:
    """Takes a category out of use for new problems; problems that have it keep it."""
    ProblemCategory.objects.filter(pk=category.pk, is_active=True).update(is_active=False)
    category.is_active = False


def restore_category(category: ProblemCategory) -> None:
    """Takes a retired category back into use, placed last."""
    with transaction.atomic():
        last = ProblemCategory.objects.filter(
            organisation_id=category.organisation_id, is_active=True
        ).aggregate(m=Max("order"))
        updated = ProblemCategory.objects.filter(pk=category.pk, is_active=False).update(
            is_active=True, order=(last["m"] or 0) + 1
        )
    if updated:
        category.is_active = True


def problems_using(category: ProblemCategory) -> int:
    """How many problems have this category (one query)."""
    return Problem.objects.filter(category=category).count()
