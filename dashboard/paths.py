"""Redirect targets: only same-site paths, so no page becomes an open redirect."""


def safe_path(target: str | None, default: str = "/queue") -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
