"""The problem-category taxonomy of the organisation: add, rename, reorder, retire and
restore. Thin views: the rules are in categories.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view

from . import categories as taxonomy
from .forms_categories import CategoryForm
from .problems import ProblemCategory

A = AuditEvent.Action
BAD_REQUEST = {"status": 400, "content_type": "text/plain; charset=utf-8"}


def _list_url(category: ProblemCategory | None = None) -> str:
    url = reverse("problem_categories")
    return f"{url}#category-{category.pk}" if category is not None else url


@org_view("walkround.manage_categories")
@require_http_methods(["GET", "HEAD", "POST"])
def problem_categories(request: OrgRequest) -> HttpResponse:
    """The categories in use in their order, then the retired ones, and a form to add
    one. POST: ``action=add`` with a name, or ``action=up|down`` with a category."""
    org = request.organisation
    form = CategoryForm(prefix="new")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            form = CategoryForm(request.POST, prefix="new")
            if form.is_valid():
                try:
                    category = taxonomy.add_category(org, form.cleaned_data["name"])
                except taxonomy.CategoryError as error:
                    form.add_error("name", str(error))
                else:
                    record(request, A.ORGANISATION_CHANGED, target=category, what="category_added")
                    messages.success(request, _("The category is added."))
                    return redirect(_list_url(category))
            status = 400
        elif action in ("up", "down"):
            pk = request.POST.get("category", "")
            if not pk.isdigit():
                return HttpResponse(_("Choose a category."), **BAD_REQUEST)
            category = get_in_organisation(request, ProblemCategory, pk=pk)
            try:
                moved = taxonomy.move_category(category, action)
            except taxonomy.CategoryError as error:
                return HttpResponse(str(error), **BAD_REQUEST)
            if moved:
                record(request, A.ORGANISATION_CHANGED, target=category, what=f"category_{action}")
            return redirect(_list_url(category))
        else:
            return HttpResponse(_("Unknown action."), **BAD_REQUEST)
    categories = taxonomy.taxonomy(org)
    return render(
        request,
        "walkround/category_list.html",
        {
            "active": [c for c in categories if c.is_active],
            "retired": [c for c in categories if not c.is_active],
            "form": form,
        },
        status=status,
    )


@org_view("walkround.manage_categories")
@require_http_methods(["GET", "HEAD", "POST"])
def problem_category_edit(request: OrgRequest, category_pk: int) -> HttpResponse:
    """Renames a category (refused if someone renamed it in between), or retires or
    restores it. A category is never deleted: problems keep it."""
    category = get_in_organisation(request, ProblemCategory, pk=category_pk)
    form = CategoryForm(
        renaming=True, initial={"name": category.name, "stored_name": category.name}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "rename")
        if action == "retire":
            if category.is_active:
                taxonomy.retire_category(category)
                record(request, A.ORGANISATION_CHANGED, target=category, what="category_retired")
            messages.success(request, _("The category is retired. Problems that have it keep it."))
            return redirect(_list_url(category))
        if action == "restore":
            if not category.is_active:
                taxonomy.restore_category(category)
                record(request, A.ORGANISATION_CHANGED, target=category, what="category_restored")
            messages.success(request, _("The category is back in use."))
            return redirect(_list_url(category))
        if action != "rename":
            return HttpResponse(_("Unknown action."), **BAD_REQUEST)
        form = CategoryForm(request.POST, renaming=True)
        status = 400
        if form.is_valid():
            old_name = category.name
            try:
                taxonomy.rename_category(
                    category,
                    form.cleaned_data["name"],
                    stored_name=form.cleaned_data["stored_name"],
                )
            except taxonomy.StaleCategory as error:
                # The next save starts from the stored name, so saving again is a
                # deliberate choice over the other person's name.
                data = request.POST.copy()
                data["stored_name"] = category.name
                form = CategoryForm(data, renaming=True)
                form.is_valid()
                form.add_error(None, str(error))
                status = 409
            except taxonomy.CategoryError as error:
                form.add_error("name", str(error))
            else:
                if category.name != old_name:
                    record(
                        request,
                        A.ORGANISATION_CHANGED,
                        target=category,
                        what="category_renamed",
                        old_name=old_name,
                    )
                messages.success(request, _("The category is saved."))
                return redirect(_list_url(category))
    return render(
        request,
        "walkround/category_form.html",
        {
            "category": category,
            "form": form,
            "used_by": taxonomy.problems_using(category),
            "conflict": status == 409,
        },
        status=status,
    )
