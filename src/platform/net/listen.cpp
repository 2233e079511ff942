#include "platform/net/listen.h"

#include "platform/error.h"

#include <boost/asio.hpp>

namespace ecity::platform {

void listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, int port, const std::string& what) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw Error::invalid("config-invalid", what + " 不是合法的 IP 地址：" + host,
                         what + " is not an IP address: " + host);
  asio::ip::tcp::endpoint ep(address, static_cast<unsigned short>(port));
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw Error::unavailable("无法监听 " + host + ":" + std::to_string(port) + "：" + ec.message(),
                             "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
}

}  // namespace ecity::platform
