"""A fast local webhook receiver for the benchmarks (aiohttp, one process): answers 200 to every
POST and remembers when each arrived; GET /stats answers [[data id or null, webhook-id, unix time], …]."""

import json
import sys
import time

from aiohttp import web


def app() -> web.Application:
    seen: list = []

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        at = time.time()
        try:
            data_id = json.loads(body).get("data", {}).get("id")
        except (ValueError, AttributeError):
            data_id = None
        seen.append((data_id, request.headers.get("webhook-id"), at))
        return web.Response(text="ok")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(seen)

    async def reset(request: web.Request) -> web.Response:
        seen.clear()
        return web.Response(text="ok")

    application = web.Application()
    application.add_routes([web.post("/hook/{n}", receive), web.get("/stats", stats), web.post("/reset", reset)])
    return application


if __name__ == "__main__":
    web.run_app(app(), host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
