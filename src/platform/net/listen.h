// Opening a listening TCP socket the way every ecity server does: address checked, SO_REUSEADDR,
// bound, listening, with one bilingual error naming what could not be opened.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace ecity::platform {

// Binds `acceptor` to host:port (port 0 picks a free one) and listens. Throws Error (invalid)
// if `host` is not an IP address (`what` names the setting, e.g. "server.host"), (unavailable)
// if the address cannot be bound.
void listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, int port, const std::string& what);

}  // namespace ecity::platform
