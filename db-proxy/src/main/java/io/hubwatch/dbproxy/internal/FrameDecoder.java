package io.hubwatch.dbproxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

import java.util.List;

/**
 * Cuts the byte stream into protocol frames. A client's first messages (startup, SSL and cancel requests) have no type
 * byte; {@link StartupFrame} carries those. Each emitted frame is a retained slice the receiver releases.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** A message with no type byte: the length word is followed by the request code and the body. */
    record StartupFrame(int code, ByteBuf body) {}

    private static final int MAX_FRAME = 64 << 20;
    /**
     * A client's frames before it is authenticated (SASL messages, or anything sent ahead of ReadyForQuery): a frame
     * is buffered whole, so 64 MiB frames from a few unauthenticated connections could fill the heap.
     */
    static final int MAX_UNAUTHENTICATED_FRAME = 64 << 10;
    private boolean typed;
    private int maxFrame;

    FrameDecoder(boolean typedFromStart) {
        this.typed = typedFromStart;
        this.maxFrame = typedFromStart ? MAX_FRAME : MAX_UNAUTHENTICATED_FRAME;
    }

    /** The client is authenticated: frames up to 64 MiB from now on. */
    void authenticated() {
        maxFrame = MAX_FRAME;
    }

    /** Bytes received but not yet cut into frames. */
    int buffered() {
        return actualReadableBytes();
    }

    /** After the startup message every frame has a type byte. */
    void startupDone() {
        typed = true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            if (typed) {
                if (in.readableBytes() < 5) {
                    return;
                }
                int len = in.getInt(in.readerIndex() + 1);
                if (len < 4 || len > maxFrame) {
                    throw new DecoderException("protocol message of length " + len + (len > MAX_FRAME || len < 4 ? ""
                            : "; at most " + maxFrame + " bytes before authentication"));
                }
                if (in.readableBytes() < len + 1) {
                    return;
                }
                out.add(in.readRetainedSlice(len + 1));
            } else {
                if (in.readableBytes() < 8) {
                    return;
                }
                int len = in.getInt(in.readerIndex());
                if (len < 8 || len > 10_000) {
                    throw new DecoderException("startup message of length " + len);
                }
                if (in.readableBytes() < len) {
                    return;
                }
                in.skipBytes(4);
                int code = in.readInt();
                out.add(new StartupFrame(code, in.readRetainedSlice(len - 8)));
                if (code == Wire.PROTOCOL_3) {
                    typed = true;
                }
                return; // the handler answers SSL requests before the next frame is read
            }
        }
    }
}
