"""Template filters for visits."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from visitt.planning.visits import Visit

register = template.Library()

_COLOURS: dict[str, str] = {
    Visit.Status.CONFIRMED: "success",
    Visit.Status.CLOSED: "success",
    Visit.Status.PLANNED: "info",
}


@register.filter
def status_tag(visit: Visit) -> SafeString:
    """The visit's status as a coloured tag. A filter, not an included template: the year
    plan shows some 300 visits, and an include per row was a third of the page's time."""
    return format_html(
        '<span class="ds-tag" data-color="{}">{}</span>',
        _COLOURS.get(visit.status, "neutral"),
        visit.get_status_display(),
    )
