import BackupdAPI
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that SwiftNIO's HTTP/1 parser cannot read (an unknown method such as
/// `BREW`, a raw invalid byte in the request line, an oversized head) the way every other
/// request is answered: it matches no route, so `404 APIGW.0101` in the gateway envelope with
/// `X-Request-Id` and the JSON `Content-Type` (`docs/api.md` §1.1, §1.5), then the connection is
/// closed because the parser cannot find where the next request starts. Without it the client
/// would get the framework's bare, bodiless `400`.
///
/// It sits after the HTTP codec, where parser errors travel inbound, and swallows them.
///
/// A `CONNECT` request gets the same answer: SwiftNIO's encoder writes any answer to `CONNECT`
/// without a body and without framing (a 2xx one switches to a tunnel), so the JSON is written as
/// raw bytes below the encoder, and the connection closed; the rest of the request is ignored.
final class UnparsableRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let logger: Logger
    private var answered = false
    /// Between a request's head and its end: a parser error then is the body breaking off (a
    /// chunked body cut by the close), which the running request must see as a failed read.
    private var inRequest = false

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if answered { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.method == .connect {
                answered = true
                answerConnect(context: context)
                return
            }
            inRequest = true
        case .body:
            break
        case .end:
            inRequest = false
        }
        context.fireChannelRead(data)
    }

    private func answerConnect(context: ChannelHandlerContext) {
        let (requestID, body) = routeNotFound(method: "CONNECT")
        let head =
            "HTTP/1.1 404 Not Found\r\nContent-Type: \(GatewayMiddleware.contentType)\r\nX-Request-Id: \(requestID)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        // Below the HTTP encoder, which would drop the body.
        guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: Array(head.utf8) + body))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Not ours to answer: other errors, and a body that broke off, which ends the body the
        // request's handler is reading with this error (it answers 400, `APIDispatcher.readBody`).
        guard error is HTTPParserError, !inRequest else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let (requestID, body) = routeNotFound(method: "unparsable", ["parser_error": "\(error)"])
        var head = HTTPResponse(status: .notFound)
        head.headerFields[.contentType] = GatewayMiddleware.contentType
        head.headerFields[.xRequestID] = requestID
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        // The completion runs on the channel's event loop, where the context may be used.
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    /// A new request id and the gateway's 404 body with it, logged as the request's line.
    private func routeNotFound(method: String, _ extra: Logger.Metadata = [:]) -> (requestID: String, body: [UInt8]) {
        let requestID = RequestIdentifier.next()
        var metadata: Logger.Metadata = ["method": "\(method)", "route": "unmatched", "status": "404", "request_id": "\(requestID)"]
        metadata.merge(extra) { first, _ in first }
        logger.info("request", metadata: metadata)
        return (requestID, GatewayErrors.routeNotFound.body(requestID: requestID))
    }
}
