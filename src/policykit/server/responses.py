"""JSON answers serialised with orjson (UTF-8 as is, several times faster than json), or
with json where orjson cannot (an integer outside 64 bits)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from policykit.server.jsoncodec import dumps


class Answer(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content)
