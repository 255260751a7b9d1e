from django import forms


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Navn")

    def clean_version(self):
        raise forms.ValidationError("Someone else saved first.")


def test_hidden_fields_render_and_their_errors_reach_the_summary():
    form = VersionedForm({"version": "1", "name": ""})
    assert not form.is_valid()
    html = str(form)
    assert 'type="hidden" name="version"' in html
    summary = html.split('class="ds-error-summary"')[1].split("</div>")[0]
    assert "Someone else saved first." in summary
    assert 'href="#id_name"' in summary


def test_a_valid_form_has_no_error_summary():
    form = VersionedForm(initial={"version": 1})
    assert "ds-error-summary" not in str(form)
