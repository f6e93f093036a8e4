"""The digest as an e-mail: HTML with a plain-text part, sent over SMTP or written as an `.eml` file.

SMTP is configured by environment variables (README, docs/coaching.md#the-weekly-digest):
`BREAKTHROUGH_SMTP_HOST`, `BREAKTHROUGH_SMTP_PORT` (default 587; 465 with SSL), `BREAKTHROUGH_SMTP_SECURITY`
(`starttls` — the default —, `ssl` or `none`), `BREAKTHROUGH_SMTP_USER`, `BREAKTHROUGH_SMTP_PASSWORD` and
`BREAKTHROUGH_SMTP_FROM` (the sender's address). The HTML part is the Jinja2 template
`templates/digest.html.j2`, autoescaped: names and commitments are text, never HTML.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

import jinja2

from breakthrough.digest.compose import Digest

SECURITY = ("starttls", "ssl", "none")
ENV = {
    "host": "BREAKTHROUGH_SMTP_HOST",
    "port": "BREAKTHROUGH_SMTP_PORT",
    "security": "BREAKTHROUGH_SMTP_SECURITY",
    "user": "BREAKTHROUGH_SMTP_USER",
    "password": "BREAKTHROUGH_SMTP_PASSWORD",
    "sender": "BREAKTHROUGH_SMTP_FROM",
}
TIMEOUT_S = 30
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("breakthrough.digest", "templates"),
    autoescape=jinja2.select_autoescape(("html", "html.j2")),
)


class MailError(ValueError):
    """SMTP settings that cannot work (the message names the variable and what to set)."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Smtp:
        env = os.environ if env is None else env
        get = {k: (env.get(v) or "").strip() for k, v in ENV.items()}
        if not get["host"]:
            raise MailError(f"{ENV['host']} is not set: set it to your SMTP server (or use --out DIR).")
        if not get["sender"]:
            raise MailError(f"{ENV['sender']} is not set: set it to the address the digest is sent from.")
        security = (get["security"] or "starttls").lower()
        if security not in SECURITY:
            raise MailError(f"{ENV['security']}={get['security']} is not one of {', '.join(SECURITY)}.")
        port_text = get["port"] or ("465" if security == "ssl" else "587")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise MailError(f"{ENV['port']}={port_text} is not a port number (1 to 65535).")
        return cls(get["host"], int(port_text), security, get["user"] or None, env.get(ENV["password"]) or None,
                   get["sender"])  # fmt: skip

    def send(self, message: EmailMessage) -> None:
        """Send one message on a connection of its own (a refused recipient raises `smtplib.SMTPException`)."""
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if self.security == "ssl":
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
        with server:
            if self.security == "starttls":
                server.starttls(context=context)
            if self.user:
                server.login(self.user, self.password or "")
            server.send_message(message)


def _header(text: str) -> str:
    """Text for a header: no line breaks or control characters (a name cannot add a header)."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def plain_text(d: Digest) -> str:
    """The plain-text part: every line with its link on the next line."""
    out = [d.subject, "", f"Hello {d.name},", d.intro.text]
    if d.intro.link:
        out.append(f"  {d.intro.link}")
    for s in d.sections:
        out += ["", s.title, "-" * len(s.title)]
        if not s.lines:
            out.append(s.empty)
        for line in s.lines:
            out.append(f"- {line.text}")
            if line.link:
                out.append(f"  {line.link}")
    out += ["", f"Every link opens the dashboard view the figure was read from. Sent by Breakthrough for {d.week}."]
    return "\n".join(out) + "\n"


def html(d: Digest) -> str:
    return TEMPLATES.get_template("digest.html.j2").render(d=d) + "\n"


def message(d: Digest, sender: str) -> EmailMessage:
    """The e-mail: subject, from, to, date, a plain-text part and its HTML alternative."""
    msg = EmailMessage()
    msg["Subject"] = _header(d.subject)
    msg["From"] = _header(sender)
    msg["To"] = formataddr((_header(d.name), _header(d.email)))
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="breakthrough.local")
    msg.set_content(plain_text(d))
    msg.add_alternative(html(d), subtype="html")
    return msg


def file_name(d: Digest) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"{d.week}-{d.kind}-{d.email or d.name}").strip("-").lower()
    return f"{stem[:120]}.eml"


def write(d: Digest, folder: Path, sender: str) -> Path:
    """Write the e-mail as an `.eml` file in `folder` (made when missing); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(d)
    path.write_bytes(bytes(message(d, sender)))
    return path
