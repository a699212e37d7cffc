"""A small fake Telegram Bot API server on loopback, for driving the real PTB Application.

Tests queue user updates (`send_text`, `press`, `send_sticker`, ...), the bot fetches them with
getUpdates, and everything the bot sends is recorded as `Sent` for assertions. Serves
`/bot<token>/<method>` as python-telegram-bot 22 calls it (form fields, JSON-encoded values).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

BOT_ID = 7_000_000
BOT_USERNAME = "MaeumTestBot"
RAW_FIELDS = {"text", "callback_query_id", "data"}


@dataclass
class Sent:
    """A message as the user sees it now (edits replace its text and buttons)."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    edits: int = 0

    def button(self, label_part: str) -> str:
        """The callback data of the first button whose label contains `label_part`."""
        for row in self.buttons:
            for button in row:
                if label_part in button["text"]:
                    return button["callback_data"]
        raise AssertionError(f"no button {label_part!r} in {self.buttons}")

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


def _parse(raw: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in RAW_FIELDS or not isinstance(value, str):
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


class FakeTelegram:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._message_ids = itertools.count(1000)
        self.messages: list[Sent] = []  # in the order the bot sent them
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.fail_sends = 0  # the next N sendMessage calls answer with a server error
        self.blocked: set[int] = set()  # chats whose user blocked the bot (403)
        self.app = self._build_app()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- the server -------------------------------------------------------------------------
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def call(token: str, method: str, request: Request) -> JSONResponse:
            form = await request.form()
            raw: dict[str, Any] = {k: v for k, v in form.items()}
            if not raw and request.headers.get("content-type", "").startswith("application/json"):
                raw = await request.json()
            params = _parse(raw)
            with self._lock:
                self.calls.append((method, params))
            if method == "getUpdates":
                answer = await self._get_updates(params)
            else:
                answer = self._answer(method, params)
            return JSONResponse(answer, status_code=200 if answer["ok"] else answer["error_code"])

        return app

    async def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        offset = int(params.get("offset") or 0)
        wait_until = time.monotonic() + min(float(params.get("timeout") or 0), 0.25)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates[:100])
            if ready or time.monotonic() >= wait_until:
                return {"ok": True, "result": ready}
            await asyncio.sleep(0.01)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Maeum",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        if method == "getMe":
            return {"ok": True, "result": bot_user}
        if method == "sendMessage":
            markup = params.get("reply_markup") or {}
            urls = [b.get("url", "") for row in markup.get("inline_keyboard", []) for b in row]
            if any("127.0.0.1" in url or "localhost" in url for url in urls):
                return {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: BUTTON_URL_INVALID",
                }
            if int(params["chat_id"]) in self.blocked:
                return {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            with self._lock:
                if self.fail_sends > 0:
                    self.fail_sends -= 1
                    return {"ok": False, "error_code": 500, "description": "Internal error"}
                sent = Sent(
                    chat_id=int(params["chat_id"]),
                    message_id=next(self._message_ids),
                    text=params["text"],
                    buttons=(params.get("reply_markup") or {}).get("inline_keyboard", []),
                )
                self.messages.append(sent)
            return {"ok": True, "result": self._message(sent, bot_user)}
        if method in ("editMessageText", "editMessageReplyMarkup"):
            with self._lock:
                sent = self._find(int(params["chat_id"]), int(params["message_id"]))
                if sent is None:
                    return {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: message to edit not found",
                    }
                if "text" in params:
                    sent.text = params["text"]
                sent.buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
                sent.edits += 1
            return {"ok": True, "result": self._message(sent, bot_user)}
        if method == "answerCallbackQuery":
            with self._lock:
                self.callback_answers.append(params)
            return {"ok": True, "result": True}
        if method in (
            "deleteWebhook",
            "setMyCommands",
            "setWebhook",
            "close",
            "logOut",
            "deleteMyCommands",
            "sendChatAction",
        ):
            return {"ok": True, "result": True}
        return {"ok": False, "error_code": 404, "description": f"Not Found: {method}"}

    def _find(self, chat_id: int, message_id: int) -> Sent | None:
        return next(
            (m for m in self.messages if m.chat_id == chat_id and m.message_id == message_id), None
        )

    @staticmethod
    def _message(sent: Sent, bot_user: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {
                "id": sent.chat_id,
                "type": "private" if sent.chat_id > 0 else "group",
                "title": None if sent.chat_id > 0 else "officers",
            },
            "from": bot_user,
            "text": sent.text,
        }
        if sent.buttons:
            message["reply_markup"] = {"inline_keyboard": sent.buttons}
        return message

    def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Telegram server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        """What `TELEGRAM_API_URL` should be (the token is appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def reset(self) -> None:
        with self._lock:
            self._updates.clear()
            self.messages.clear()
            self.calls.clear()
            self.callback_answers.clear()
            self.fail_sends = 0
            self.blocked.clear()

    # --- what users do ----------------------------------------------------------------------
    def _user(self, user_id: int, language: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"user{user_id}",
            "language_code": language,
        }

    def _push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update_id = update.setdefault("update_id", self._next_update_id)
            # Like Telegram's, ids only grow (the bot acknowledges by offset).
            self._next_update_id = max(self._next_update_id, update_id + 1)
            self._updates.append(update)
        return update_id

    def _message_of(self, user_id: int, language: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"user{user_id}"},
            "from": self._user(user_id, language),
            **content,
        }

    def send_text(
        self, user_id: int, text: str, language: str = "ko", update_id: int | None = None
    ) -> int:
        message = self._message_of(user_id, language, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        update: dict[str, Any] = {"message": message}
        if update_id is not None:
            update["update_id"] = update_id
        return self._push(update)

    def send_raw(self, update: dict[str, Any]) -> int:
        return self._push(update)

    def send_sticker(self, user_id: int) -> int:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self._push({"message": self._message_of(user_id, "ko", sticker=sticker)})

    def send_photo(self, user_id: int) -> int:
        photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
        return self._push({"message": self._message_of(user_id, "ko", photo=photo)})

    def send_voice(self, user_id: int) -> int:
        voice = {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}
        return self._push({"message": self._message_of(user_id, "ko", voice=voice)})

    def edit_text(self, user_id: int, text: str) -> int:
        message = self._message_of(user_id, "ko", text=text, edit_date=int(time.time()))
        return self._push({"edited_message": message})

    def press(
        self, user_id: int, data: str, message: Sent | None = None, language: str = "ko"
    ) -> int:
        """Press a button (any callback data, so forged presses can be tested too)."""
        if message is None:
            message = self.last(user_id)
        query = {
            "id": str(next(self._message_ids)),
            "from": self._user(user_id, language),
            "chat_instance": str(user_id),
            "data": data,
            "message": self._message(
                message, {"id": BOT_ID, "is_bot": True, "first_name": "Maeum"}
            ),
        }
        return self._push({"callback_query": query})

    # --- what users see ---------------------------------------------------------------------
    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [m for m in self.messages if m.chat_id == chat_id]

    def last(self, chat_id: int) -> Sent:
        messages = self.sent_to(chat_id)
        assert messages, f"nothing was sent to {chat_id}"
        return messages[-1]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.01)


def serve_forever(port: int) -> None:
    """Serve a fake Bot API on a fixed port in this process (benchmarks run it apart)."""
    server = FakeTelegram()
    uvicorn.run(server.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    import sys

    serve_forever(int(sys.argv[1]))
