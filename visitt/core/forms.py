from django.forms.renderers import TemplatesSetting


class VisittFormRenderer(TemplatesSetting):
    """Renders every form and field with Designsystemet markup (templates/components/)."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
