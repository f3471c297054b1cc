import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// The header-read timeout (README, "Connections"): once the first byte of a request arrives, its
/// whole head must arrive within `limit`, or the connection is closed. A client that trickles a
/// head byte by byte (slowloris) holds a connection for `limit` at most, whatever the idle timeout.
///
/// Two handlers share one deadline on the channel's event loop: `HeadArrival`, after the codec,
/// owns it, stops it at the request's head and reopens it once the response has been written;
/// `FirstByte`, before the HTTP decoder, finds it in the pipeline and starts it when bytes arrive
/// while no request is open.
final class RequestHeadDeadline {
    private enum State {
        /// Waiting for the next request's first byte.
        case awaitingRequest
        /// Bytes of a head arrived; the deadline runs.
        case readingHead(Scheduled<Void>)
        /// A head was read; the request and its response are under way.
        case inRequest
    }

    private let limit: TimeAmount
    private var state = State.awaitingRequest

    init(limit: TimeAmount) {
        self.limit = limit
    }

    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        guard case .awaitingRequest = state else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        state = .readingHead(context.eventLoop.scheduleTask(in: limit) { bound.value.close(promise: nil) })
    }

    fileprivate func headArrived() {
        if case .readingHead(let timer) = state { timer.cancel() }
        state = .inRequest
    }

    fileprivate func responseWritten() {
        if case .inRequest = state { state = .awaitingRequest }
    }

    fileprivate func closed() {
        if case .readingHead(let timer) = state { timer.cancel() }
        state = .inRequest
    }

    /// Before the HTTP decoder: raw bytes.
    final class FirstByte: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        /// `HeadArrival`'s, found at the first read (the HTTP handlers are added after this one).
        private var deadline: RequestHeadDeadline?

        init() {}

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if deadline == nil {
                deadline = try? context.pipeline.syncOperations.handler(type: HeadArrival.self).deadline
            }
            deadline?.bytesArrived(context)
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadline?.closed()
            context.fireChannelInactive()
        }
    }

    /// After the HTTP codec: request and response parts.
    final class HeadArrival: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        fileprivate let deadline: RequestHeadDeadline

        init(limit: TimeAmount) {
            self.deadline = RequestHeadDeadline(limit: limit)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { deadline.headArrived() }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadline.responseWritten() }
            context.write(data, promise: promise)
        }
    }
}

/// An HTTP/1.1 child channel with the header-read deadline's first handler ahead of its decoder.
/// Its `HTTP1Channel` must have a `RequestHeadDeadline.HeadArrival` among its additional handlers.
struct HeadDeadlineChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline.FirstByte())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
