"""`marsad users`: reader accounts (add, list, remove, passwd) and their API tokens.

Passwords are read from a prompt (no echo) or, with ``--password-stdin``, from the first line of
standard input; never from an argument, which other users of the machine can see in ``ps``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from marsad.accounts.model import LANGUAGES, ROLES
from marsad.cli.context import CLIContext, iso, print_json_line
from marsad.errors import NotFoundError, UserError
from marsad.store import utcnow
from marsad.store.accounts import Accounts


def register(sub: Any) -> None:
    p = sub.add_parser(
        "users",
        help="reader accounts: add, list, remove, passwd, token",
        description="Manage the accounts that sign in to the site and the API.",
    )
    usub = p.add_subparsers(dest="users_command", metavar="ACTION")
    usub.required = True

    add = usub.add_parser("add", help="create an account", description="Create an account.")
    add.add_argument("name", help="user name (letters, digits, _ . @ -)")
    add.add_argument("--role", choices=ROLES, default="reader", help="default: reader")
    add.add_argument("--email", help="address for alert e-mails")
    add.add_argument("--language", choices=LANGUAGES, default="ar", help="default: ar")
    _password_flag(add)
    add.set_defaults(handler=_add)

    ls = usub.add_parser("list", help="list accounts", description="List accounts.")
    ls.add_argument("--json", action="store_true", help="JSON Lines, one object per account")
    ls.set_defaults(handler=_list)

    rm = usub.add_parser(
        "remove",
        help="delete an account and everything of it",
        description="Delete an account: its sessions, tokens, follows and feeds end at once.",
    )
    rm.add_argument("name")
    rm.set_defaults(handler=_remove)

    pw = usub.add_parser(
        "passwd",
        help="set an account's password",
        description="Set an account's password; its open sessions and its API tokens end "
        "(reader apps sign in again).",
    )
    pw.add_argument("name")
    pw.add_argument(
        "--keep-tokens",
        action="store_true",
        help="keep the API tokens made by hand (reader apps' tokens end all the same)",
    )
    _password_flag(pw)
    pw.set_defaults(handler=_passwd)

    tok = usub.add_parser(
        "token",
        help="API tokens of an account: add, list, revoke",
        description="API tokens (`Authorization: Bearer`) of an account, stored hashed.",
    )
    tsub = tok.add_subparsers(dest="token_command", metavar="ACTION")
    tsub.required = True
    tadd = tsub.add_parser(
        "add",
        help="create an API token (printed once)",
        description="Create an API token for `Authorization: Bearer`; it is printed once.",
    )
    tadd.add_argument("name", help="the account")
    tadd.add_argument("--label", default="token", help="what the token is for (e.g. phone)")
    tadd.set_defaults(handler=_token_add)
    tls = tsub.add_parser(
        "list",
        help="list an account's tokens",
        description="List an account's tokens (names and times; never the tokens themselves).",
    )
    tls.add_argument("name", help="the account")
    tls.set_defaults(handler=_token_list)
    trm = tsub.add_parser(
        "revoke", help="revoke a token by its id", description="Revoke a token by its id."
    )
    trm.add_argument("name", help="the account")
    trm.add_argument("token_id", type=int, help="the token's id, as listed")
    trm.set_defaults(handler=_token_revoke)


def _password_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (no prompt)",
    )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the passwords differ", message_ar="كلمتا المرور مختلفتان")
    if not password:
        raise UserError("no password given", message_ar="لم تُعطَ كلمة مرور")
    return password


def _user(accounts: Accounts, name: str) -> Any:
    user = accounts.find_user(name)
    if user is None:
        raise NotFoundError(f"no user {name!r}", message_ar=f"لا مستخدم باسم {name}")
    return user


def _add(ctx: CLIContext, args: argparse.Namespace) -> int:
    accounts = Accounts(ctx.store)
    password = _read_password(args)
    user = accounts.add_user(
        args.name,
        password,
        role=args.role,
        email=args.email,
        language=args.language,
        now=utcnow(),
    )
    print(f"added {user.role} {user.name} (id {user.id})")
    return 0


def _list(ctx: CLIContext, args: argparse.Namespace) -> int:
    for user in Accounts(ctx.store).list_users():
        if args.json:
            print_json_line(
                {
                    "id": user.id,
                    "name": user.name,
                    "role": user.role,
                    "email": user.email,
                    "language": user.language,
                }
            )
        else:
            print(f"{user.id:>5}  {user.role:<6}  {user.language}  {user.name}  {user.email or ''}")
    return 0


def _remove(ctx: CLIContext, args: argparse.Namespace) -> int:
    user = Accounts(ctx.store).remove_user(args.name)
    print(f"removed {user.name} (id {user.id}): its sessions, tokens and follows are gone")
    return 0


def _passwd(ctx: CLIContext, args: argparse.Namespace) -> int:
    accounts = Accounts(ctx.store)
    _user(accounts, args.name)
    user = accounts.set_password(args.name, _read_password(args), keep_api_tokens=args.keep_tokens)
    ended = "sessions and reader-app tokens" if args.keep_tokens else "sessions and API tokens"
    print(f"password of {user.name} changed; its {ended} ended")
    return 0


def _token_add(ctx: CLIContext, args: argparse.Namespace) -> int:
    accounts = Accounts(ctx.store)
    user = _user(accounts, args.name)
    record, token = accounts.add_token(user.id, args.label, now=utcnow())
    print(f"token {record.id} ({record.name}) of {user.name}; shown once, keep it now:")
    print(token)
    return 0


def _token_list(ctx: CLIContext, args: argparse.Namespace) -> int:
    accounts = Accounts(ctx.store)
    user = _user(accounts, args.name)
    for t in accounts.list_tokens(user.id):
        used = iso(t.last_used_at) or "never used"
        print(f"{t.id:>5}  {t.name}  created {iso(t.created_at)}  {used}")
    return 0


def _token_revoke(ctx: CLIContext, args: argparse.Namespace) -> int:
    accounts = Accounts(ctx.store)
    user = _user(accounts, args.name)
    if not accounts.revoke_token(user.id, args.token_id):
        raise NotFoundError(
            f"{user.name} has no token {args.token_id}", message_ar="لا رمز بهذا الرقم"
        )
    print(f"token {args.token_id} of {user.name} revoked")
    return 0
