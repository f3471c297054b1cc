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
final class UnparsableRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let logger: Logger
    private var answered = false

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let requestID = RequestIdentifier.next()
        let body = GatewayErrors.routeNotFound.body(requestID: requestID)
        var head = HTTPResponse(status: .notFound)
        head.headerFields[.contentType] = GatewayMiddleware.contentType
        head.headerFields[.xRequestID] = requestID
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        logger.info(
            "request",
            metadata: [
                "method": "unparsable", "route": "unmatched", "status": "404", "request_id": "\(requestID)",
                "parser_error": "\(error)",
            ]
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        // The completion runs on the channel's event loop, where the context may be used.
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }
}
