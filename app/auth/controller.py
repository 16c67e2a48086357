"""Sign-up, sign-in, sign-out and password reset pages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.engine import Engine

from app.auth import service
from app.auth.forms import account_email, new_password, parse_signup
from app.auth.guards import MaybeSignedIn, SignedIn, requires_login
from app.auth.sessions import (
    ANON_COOKIE,
    SESSION_COOKIE,
    Authenticated,
    end_session,
    end_sessions_of,
    start_session,
)
from app.auth.throttle import Throttled
from app.db import DbSession, end_reads, in_thread
from app.forms import FormData, field
from app.mail import send_mail
from app.models import User
from app.pages import (
    client_address,
    expired_cookie,
    hashing_of,
    now_of,
    redirect,
    render,
    safe_next,
    settings_of,
    signing_of,
    site_cookie,
    url_for,
)


def session_cookie(request: HTMXRequest, token: str) -> Cookie:
    settings = settings_of(request)
    value = signing_of(request).sign_cookie(token)
    return site_cookie(settings, SESSION_COOKIE, value, max_age=settings.session_max_age)


def sign_in(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    next_url: str,
    current: Authenticated | None,
) -> Redirect:
    """A fresh session (never one the client proposed), replacing the current one if any."""
    if current is not None:
        end_session(db, current.session_id)
    token = start_session(
        db, user, now=now_of(request), max_age=settings_of(request).session_max_age
    )
    cookies = [session_cookie(request, token), expired_cookie(settings_of(request), ANON_COOKIE)]
    return redirect(request, safe_next(next_url, url_for(request, "tasks:list")), cookies=cookies)


class AuthController(Controller):
    @get("/", name="home", sync_to_thread=False)
    def home(self, request: HTMXRequest, maybe_signed_in: MaybeSignedIn) -> Redirect:
        target = "tasks:list" if maybe_signed_in else "auth:signin"
        return Redirect(url_for(request, target), status_code=303)

    @get("/signup", name="auth:signup", sync_to_thread=False)
    def signup_form(
        self, request: HTMXRequest, maybe_signed_in: MaybeSignedIn
    ) -> Template | Redirect:
        if maybe_signed_in:
            return Redirect(url_for(request, "tasks:list"), status_code=303)
        return render(request, "auth/signup.html", {"values": {}, "errors": {}})

    @post("/signup", name="auth:signup-post")
    async def signup(
        self,
        request: HTMXRequest,
        db: DbSession,
        maybe_signed_in: MaybeSignedIn,
        data: FormData,
    ) -> Any:
        signup, errors = parse_signup(data)
        values = {"name": field(data, "name"), "email": field(data, "email")}
        if errors:
            return render(
                request, "auth/signup.html", {"values": values, "errors": errors}, status=400
            )
        try:
            user = await service.register(db, hashing_of(request), signup)
        except service.EmailTaken:
            errors = {"email": "That email is already registered."}
            context = {"values": values, "errors": errors, "sign_in_instead": True}
            return render(request, "auth/signup.html", context, status=409)
        target = url_for(request, "tasks:list")
        return await in_thread(lambda: sign_in(request, db, user, target, maybe_signed_in))

    @get("/signin", name="auth:signin", sync_to_thread=False)
    def signin_form(
        self,
        request: HTMXRequest,
        maybe_signed_in: MaybeSignedIn,
        next: FromQuery[str | None] = None,
    ) -> Any:
        if maybe_signed_in:
            return Redirect(safe_next(next, url_for(request, "tasks:list")), status_code=303)
        return render(request, "auth/signin.html", {"values": {}, "next": safe_next(next, "")})

    @post("/signin", name="auth:signin-post")
    async def signin(
        self,
        request: HTMXRequest,
        db: DbSession,
        maybe_signed_in: MaybeSignedIn,
        data: FormData,
    ) -> Any:
        typed, password = field(data, "email").strip(), field(data, "password")
        context = {"values": {"email": typed}, "next": safe_next(field(data, "next"), "")}
        email = account_email(typed)  # None: no account can have it, nothing to verify
        try:
            user = email and await service.authenticate(
                db,
                request.app.state.engine,
                hashing_of(request),
                email=email,
                password=password,
                remote_addr=client_address(request),
                now=now_of(request),
            )
        except Throttled:
            context["form_error"] = "Too many failed sign-ins. Wait 15 minutes and try again."
            return render(request, "auth/signin.html", context, status=429)
        if not user:
            context["form_error"] = "That email and password do not match an account."
            return render(request, "auth/signin.html", context, status=400)
        target = field(data, "next")
        return await in_thread(lambda: sign_in(request, db, user, target, maybe_signed_in))

    @post("/signout", name="auth:signout", guards=[requires_login], sync_to_thread=True)
    def signout(self, request: HTMXRequest, db: DbSession, signed_in: SignedIn) -> Redirect:
        end_session(db, signed_in.session_id)
        return redirect(
            request,
            url_for(request, "auth:signin"),
            flash="You are signed out.",
            cookies=[expired_cookie(settings_of(request), SESSION_COOKIE)],
        )

    @get("/password/forgot", name="auth:forgot", sync_to_thread=False)
    def forgot_form(self, request: HTMXRequest) -> Template:
        return render(request, "auth/forgot.html", {"sent": False})

    @post("/password/forgot", name="auth:forgot-post", sync_to_thread=True)
    def forgot(self, request: HTMXRequest, db: DbSession, data: FormData) -> Template:
        email = account_email(field(data, "email"))
        engine: Engine = request.app.state.engine
        allowed = email is not None and service.may_send_reset_mail(
            engine, email, now=now_of(request)
        )
        user = service.user_by_email(db, email) if email else None
        background = None
        if user is not None and allowed:
            token = service.make_reset_token(signing_of(request), user)
            link = settings_of(request).absolute_url(url_for(request, "auth:reset", token=token))
            body = (
                f"Someone (hopefully you) asked to reset your Taskwise password.\n\n"
                f"Choose a new one here within the hour:\n{link}\n\n"
                "If it was not you, ignore this message: your password stays as it is.\n"
            )
            # Sent after the response, so answering takes as long whether or not the email exists.
            background = BackgroundTask(
                send_mail, settings_of(request), user.email, "Reset your Taskwise password", body
            )
        template = render(request, "auth/forgot.html", {"sent": True})
        template.background = background
        return template

    @get("/password/reset/{token:str}", name="auth:reset", sync_to_thread=True)
    def reset_form(self, request: HTMXRequest, db: DbSession, token: FromPath[str]) -> Template:
        if service.user_for_reset_token(db, signing_of(request), token) is None:
            return render(request, "auth/reset_invalid.html", status=400)
        return render(request, "auth/reset.html", {"token": token, "errors": {}})

    @post("/password/reset/{token:str}", name="auth:reset-post")
    async def reset(
        self, request: HTMXRequest, db: DbSession, token: FromPath[str], data: FormData
    ) -> Any:
        def user_of_token() -> User | None:
            user = service.user_for_reset_token(db, signing_of(request), token)
            end_reads(db)  # the hash below may wait for its turn: hold no connection meanwhile
            return user

        user = await in_thread(user_of_token)
        if user is None:
            return render(request, "auth/reset_invalid.html", status=400)
        errors: dict[str, str] = {}
        password = new_password(errors, "new_password", data, email=user.email)
        if errors:
            return render(
                request, "auth/reset.html", {"token": token, "errors": errors}, status=400
            )
        await service.set_password(hashing_of(request), user, password)
        await in_thread(lambda: end_sessions_of(db, user.id))
        return redirect(
            request,
            url_for(request, "auth:signin"),
            flash="Your password was changed. Sign in with the new one.",
            cookies=[expired_cookie(settings_of(request), SESSION_COOKIE)],
        )
