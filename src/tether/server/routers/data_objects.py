"""Data objects over HTTP: packs in (``PUT /data/objects``) and out (``POST /data/objects/fetch``), and one
object alone (``PUT /data/objects/{digest}``).

Their bodies are bytes (``tether.data.schemas`` describes a pack), not JSON, so these are written by hand,
as the remote client's side of them is (``client/remote.py``). A pack is read whole (packs are a few MiB,
under the server's body limit) and every object in it is checked against its digest before any is stored.
An object too large for a pack (the manifest of a very large tree, the chunk index of a huge file) streams
in on its own, under the upload limit rather than the JSON one, and is checked before it is stored.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from tether.data.schemas import MissingQuery, PackStored
from tether.data.service import DataService
from tether.server.access import SIGNED_IN_ROUTE
from tether.server.bodies import consume
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


@router.put("/{digest}", response_model=PackStored, dependencies=[Depends(SIGNED_IN_ROUTE)])
async def put_object(digest: str, request: Request, data: Data) -> Response:
    """Store the body as the one object ``digest`` names; answers 1 when it was new, 0 when it was there."""
    stored = await consume(request, lambda body: data.put_object(digest, body))
    return stored if isinstance(stored, Response) else json_of(PackStored(stored=stored))


@router.post("/fetch", response_class=Response, dependencies=[Depends(SIGNED_IN_ROUTE)])
def fetch_pack(query: MissingQuery, data: Data) -> Response:
    """A pack of the objects named in the body, each checked against its digest before it is sent."""
    return Response(data.fetch_pack(query.digests), media_type=PACK_TYPE)
