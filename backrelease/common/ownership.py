from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404


def owned(queryset_of: Callable[..., QuerySet]) -> Callable:
    """Hands the view the signed-in person's object named by the URL's `pk`.

    Placed above the method check, so another person's object is a 404 whatever the method: a
    405 would already confirm that the object exists.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            return view(
                request, get_object_or_404(queryset_of(request.user), pk=pk), *args, **kwargs
            )

        return wrapper

    return decorator
