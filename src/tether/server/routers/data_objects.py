"""Data objects over HTTP: packs in (``PUT /data/objects``) and out (``POST /data/objects/fetch``).

Their bodies are packs of bytes (``tether.data.schemas``), not JSON, so these two are written by hand, as the
remote client's side of them is (``client/remote.py``). A pack is read whole (packs are a few MiB, under the
server's body limit) and every object in it is checked against its digest before any is stored.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from tether.data.schemas import MissingQuery, PackStored
from tether.data.service import DataService
from tether.server.access import SIGNED_IN_ROUTE
from tether.server.responses import json_of
from tether.server.routing import StrictJSONRoute

router = APIRouter(prefix="/data/objects", tags=["data"], route_class=StrictJSONRoute)
PACK_TYPE = "application/x-tether-pack"


def data_service(request: Request) -> DataService:
    service: DataService = request.app.state.services.data
    return service


Data = Annotated[DataService, Depends(data_service)]


@router.put("", response_model=PackStored, dependencies=[Depends(SIGNED_IN_ROUTE)])
async def put_pack(request: Request, data: Data) -> Response:
    """Store the objects of the pack in the body; answers how many of them were new."""
    body = await request.body()
    stored = await run_in_threadpool(data.put_pack, body)
    return json_of(PackStored(stored=stored))


@router.post("/fetch", response_class=Response, dependencies=[Depends(SIGNED_IN_ROUTE)])
def fetch_pack(query: MissingQuery, data: Data) -> Response:
    """A pack of the objects named in the body, each checked against its digest before it is sent."""
    return Response(data.fetch_pack(query.digests), media_type=PACK_TYPE)
