// Boost.Asio's and Boost.Beast's non-template code, compiled once here instead of inline in
// every file that includes them (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION, set for every user by the cunji_asio library).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
