package dev.ferry.jakarta.pojo;

/** The three kinds of incoming message an endpoint may handle, each at most once (Jakarta WebSocket 2.2 §4.7). */
public enum MessageKind { TEXT, BINARY, PONG }
