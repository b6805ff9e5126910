// The PROXY protocol header (server/relay/proxyheader.cpp), as the device listener reads it from the first bytes a
// load balancer sends.
// Invariants: a header found is 1 to 1024 bytes of the input (a version 1 header at most 107, ending in CR LF) and
// parses the same from exactly those bytes; every shorter prefix of it is incomplete, never refused (the listener
// takes the bytes of an incomplete header off the socket, so they must all be the header's); an address taken is
// IPv4 or IPv6; a refusal says why; input still incomplete is shorter than the longest header.

#include "fuzzsupport.h"

#include "relay/proxyheader.h"

#include <cstddef>
#include <cstdint>

using namespace parley::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const ProxyHeader h = ProxyHeader::parse(input);
    switch (h.state) {
    case ProxyHeader::State::Invalid:
        FUZZ_CHECK(!h.error.isEmpty());
        FUZZ_CHECK(h.source.isNull());
        break;
    case ProxyHeader::State::Incomplete:
        FUZZ_CHECK(input.size() < ProxyHeader::MaxLength);
        break;
    case ProxyHeader::State::Done: {
        FUZZ_CHECK(h.length > 0 && h.length <= input.size() && h.length <= ProxyHeader::MaxLength);
        FUZZ_CHECK(h.version == 1 || h.version == 2);
        if (h.version == 1)
            FUZZ_CHECK(h.length <= ProxyHeader::MaxV1Length && input.sliced(h.length - 2, 2) == "\r\n");
        FUZZ_CHECK(h.source.isNull() || h.source.protocol() == QAbstractSocket::IPv4Protocol
                   || h.source.protocol() == QAbstractSocket::IPv6Protocol);
        const ProxyHeader alone = ProxyHeader::parse(input.first(h.length));
        FUZZ_CHECK(alone.state == ProxyHeader::State::Done && alone.length == h.length && alone.source == h.source
                   && alone.sourcePort == h.sourcePort);
        // Every prefix up to 256 bytes, then a sample of the longer ones.
        const qsizetype step = h.length <= 256 ? 1 : h.length / 64;
        for (qsizetype n = 0; n < h.length; n += step)
            FUZZ_CHECK(ProxyHeader::parse(input.first(n)).state == ProxyHeader::State::Incomplete);
        FUZZ_CHECK(ProxyHeader::parse(input.first(h.length - 1)).state == ProxyHeader::State::Incomplete);
        break;
    }
    }
    return 0;
}
