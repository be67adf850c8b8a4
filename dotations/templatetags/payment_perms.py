"""The payment predicates of dotations.perms.payments, for templates rendered by views that do not pass them."""

from django import template

from ..perms import payments as perms

register = template.Library()


@register.filter
def recordable_by(payment, user) -> bool:
    return perms.can_record_payment(user, payment)


@register.filter
def cancellable_by(payment, user) -> bool:
    return perms.can_cancel_payment(user, payment)
