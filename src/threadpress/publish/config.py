"""Credentials for publish targets: the environment first, then a config file; never the command line.

The config file is TOML, by default `~/.config/threadpress/config.toml` (`$XDG_CONFIG_HOME` is honoured;
`THREADPRESS_CONFIG` names another file). It holds secrets, so it must not be readable by others:

    [wordpress]
    url = "https://blog.example.com"
    user = "admin"
    app_password = "abcd efgh ijkl mnop qrst uvwx"

    [ghost]
    url = "https://example.ghost.io"
    admin_key = "6489...:a1b2..."
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .post import PublishError


@dataclass(frozen=True)
class WordPressSite:
    url: str  # the site's base URL, no trailing slash
    user: str
    app_password: str = field(repr=False)  # kept out of tracebacks and logs


@dataclass(frozen=True)
class GhostSite:
    url: str
    key_id: str
    secret: bytes = field(repr=False)  # hex-decoded


def config_path() -> Path:
    if env := os.environ.get("THREADPRESS_CONFIG"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "threadpress" / "config.toml"


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The config file as a dict ({} when there is none). Refused when others can read it."""
    path = path or config_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise PublishError(f"{path}: cannot read the config file ({e.strerror})") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PublishError(f"{path}: holds secrets but others can read it (mode {stat.S_IMODE(st.st_mode):o});"
                           f" run: chmod 600 {path}")
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise PublishError(f"{path}: not valid TOML ({e})") from None
    except OSError as e:
        raise PublishError(f"{path}: cannot read the config file ({e.strerror})") from None
    return data


def _setting(section: dict[str, Any], key: str, env: str, path: Path, target: str) -> str:
    value = os.environ.get(env)
    if value is None:
        value = section.get(key)
        if value is not None and not isinstance(value, str):
            raise PublishError(f"{path}: [{target}] {key} must be a string")
    if not value or not value.strip():
        raise PublishError(f"{target}: no {key} configured: set {env} or [{target}] {key} in {path}")
    return value.strip()


def _site_url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"{name} {value!r}: expected the site's http(s) address, e.g. https://blog.example.com")
    return value.rstrip("/")


def _section(data: dict[str, Any], target: str, path: Path) -> dict[str, Any]:
    section = data.get(target, {})
    if not isinstance(section, dict):
        raise PublishError(f"{path}: [{target}] must be a table")
    return section


def wordpress_site(path: Path | None = None) -> WordPressSite:
    path = path or config_path()
    section = _section(read_config(path), "wordpress", path)
    url = _setting(section, "url", "THREADPRESS_WP_URL", path, "wordpress")
    return WordPressSite(url=_site_url(url, "THREADPRESS_WP_URL"),
                         user=_setting(section, "user", "THREADPRESS_WP_USER", path, "wordpress"),
                         app_password=_setting(section, "app_password", "THREADPRESS_WP_APP_PASSWORD", path,
                                               "wordpress"))


def ghost_site(path: Path | None = None) -> GhostSite:
    path = path or config_path()
    section = _section(read_config(path), "ghost", path)
    url = _setting(section, "url", "THREADPRESS_GHOST_URL", path, "ghost")
    key = _setting(section, "admin_key", "THREADPRESS_GHOST_ADMIN_KEY", path, "ghost")
    key_id, sep, secret = key.partition(":")
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        raw = b""
    if not sep or not key_id or not raw:
        raise PublishError("ghost: the Admin API key must be ID:SECRET with a hex SECRET"
                           " (Ghost Admin > Integrations > Admin API key)")
    return GhostSite(url=_site_url(url, "THREADPRESS_GHOST_URL"), key_id=key_id, secret=raw)
