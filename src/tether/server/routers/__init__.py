"""One router per domain noun; each endpoint parses, calls one service method and renders."""
