"""GET/POST /account, /account/password and /account/delete."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from app.auth import service
from app.auth.forms import new_password, parse_profile, raw_password, timezones
from app.auth.guards import CurrentUser, SignedIn, requires_login
from app.auth.sessions import SESSION_COOKIE, end_sessions_of
from app.auth.throttle import Throttled
from app.calendar.feed import feed_token
from app.db import DbSession, in_thread
from app.forms import FormData, FormErrors, field
from app.models import DateOrder, Theme, User
from app.pages import (
    client_address,
    expired_cookie,
    hashing_of,
    now_of,
    redirect,
    render,
    settings_of,
    signing_of,
    url_for,
)

# How each choice reads the quick-add date 03/04, as the account page offers them.
DATE_ORDERS = [
    (DateOrder.dmy.value, "Day first: 03/04 is 3 April"),
    (DateOrder.mdy.value, "Month first: 03/04 is March 4"),
]


def account_page(
    request: HTMXRequest,
    user: User,
    *,
    status: int = 200,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    form_error: str | None = None,
) -> Template:
    profile = {
        "name": user.name or "",
        "timezone": user.timezone,
        "theme": user.theme,
        "date_order": user.date_order,
    }
    return render(
        request,
        "account/index.html",
        {
            "profile": profile | (values or {}),
            "errors": errors or {},
            "form_error": form_error,
            "timezones": timezones(),
            "themes": [t.value for t in Theme],
            "date_orders": DATE_ORDERS,
            "feed_url": _feed_url(request, user),
        },
        status=status,
    )


def _feed_url(request: HTMXRequest, user: User) -> str | None:
    token = feed_token(signing_of(request), user)
    if token is None:
        return None
    return settings_of(request).absolute_url(url_for(request, "calendar:feed", feed=f"{token}.ics"))


async def _password_problem(
    request: HTMXRequest, db: DbSession, user: User, password: str, *, wrong: str
) -> tuple[int, str] | None:
    """Check the user's own password under the sign-in throttle: None when it is right, else
    the status (400 wrong, 429 too many attempts) and the message to show beside the field."""
    try:
        ok = await service.check_password(
            db,
            request.app.state.engine,
            hashing_of(request),
            user,
            password,
            remote_addr=client_address(request),
            now=now_of(request),
        )
    except Throttled:
        return 429, "Too many wrong passwords. Wait 15 minutes and try again."
    return None if ok else (400, wrong)


class AccountController(Controller):
    path = "/account"
    guards = [requires_login]

    @get("/", name="account:show", sync_to_thread=False)
    def show(self, request: HTMXRequest, user: CurrentUser) -> Template:
        return account_page(request, user)

    @post("/", name="account:update", sync_to_thread=True)
    def update(self, request: HTMXRequest, user: CurrentUser, data: FormData) -> Any:
        profile, errors = parse_profile(data)
        if errors:
            values = {k: field(data, k) for k in ("name", "timezone", "theme", "date_order")}
            return account_page(request, user, status=400, errors=errors, values=values)
        service.update_profile(user, profile)  # the user row of this request's session
        return redirect(
            request, url_for(request, "account:show"), flash="Your settings were saved."
        )

    @post("/password", name="account:password")
    async def change_password(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        signed_in: SignedIn,
        data: FormData,
    ) -> Any:
        errors: FormErrors = {}
        current = raw_password(errors, "current_password", data, label="Current password")
        password = new_password(errors, "new_password", data, email=user.email)
        status = 400
        if not errors and (  # a weak new password is refused before the current is checked
            problem := await _password_problem(
                request, db, user, current, wrong="That is not your current password."
            )
        ):
            status, errors["current_password"] = problem
        if errors:
            return account_page(request, user, status=status, errors=errors)
        await service.set_password(hashing_of(request), user, password)
        await in_thread(lambda: end_sessions_of(db, user.id, keep=signed_in.session_id))
        return redirect(
            request,
            url_for(request, "account:show"),
            flash="Password changed. Your other sessions were signed out.",
        )

    @post("/delete", name="account:delete")
    async def delete(
        self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: FormData
    ) -> Any:
        errors: FormErrors = {}
        password = raw_password(errors, "password", data, label="Password")
        status = 400
        if "password" not in errors and (
            problem := await _password_problem(
                request, db, user, password, wrong="That is not your password."
            )
        ):
            status, errors["password"] = problem
        if errors:
            return account_page(request, user, status=status, errors=errors)
        await in_thread(lambda: service.delete_account(db, user))
        return redirect(
            request,
            url_for(request, "auth:signup"),
            flash="Your account and all its data were deleted.",
            cookies=[expired_cookie(settings_of(request), SESSION_COOKIE)],
        )
