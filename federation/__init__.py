"""ActivityPub federation of Parvis instances (actors, WebFinger, NodeInfo, inbox, outbox)."""
