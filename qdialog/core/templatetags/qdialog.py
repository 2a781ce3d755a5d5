from django import template

from qdialog.tenancy.scope import scope_for

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, programme=None, cluster=None, municipality=None, current=""):
    """Programme → cluster → municipality, each a link only where the person may open it."""
    user = context["request"].user
    scope = scope_for(user)
    programme, cluster, municipality = programme or None, cluster or None, municipality or None
    if municipality is not None:
        programme = programme or municipality.programme
        cluster = cluster or municipality.cluster
    if cluster is not None:
        programme = programme or cluster.programme
    return {
        "programme": programme,
        "programme_link": programme is not None and scope.is_institute_staff(programme.pk),
        "cluster": cluster,
        "cluster_link": cluster is not None and scope.sees_cluster(cluster),
        "municipality": municipality,
        "current": current,
    }


@register.simple_tag(takes_context=True)
def active(context, url_name):
    """aria-current for the tab of the page being shown."""
    match = context["request"].resolver_match
    full = f"{match.namespace}:{match.url_name}" if match and match.namespace else (
        match.url_name if match else "")
    return "page" if full == url_name else "false"


_WIDGET_CLASSES = {
    "checkbox": ("kern-form-check__checkbox", "kern-form-check__checkbox--error"),
    "radio": ("", ""),
    "checkboxselectmultiple": ("", ""),
    "select": ("kern-form-input__select", "kern-form-input__select--error"),
    "selectmultiple": ("kern-form-input__select", "kern-form-input__select--error"),
}


@register.simple_tag
def kern_widget(field):
    """Render a bound field's widget with KERN classes and accessible error/hint references."""
    css, error_css = _WIDGET_CLASSES.get(
        field.widget_type, ("kern-form-input__input", "kern-form-input__input--error"))
    existing = field.field.widget.attrs.get("class", "")
    classes = " ".join(c for c in [existing, css, error_css if field.errors else ""] if c)
    described = []
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    attrs = {"class": classes} if classes else {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
