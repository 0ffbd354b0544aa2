// Boost.Asio's TLS non-template code (asio::ssl), compiled once here; see asio_beast.cpp.
#include <boost/asio/ssl/impl/src.hpp>
