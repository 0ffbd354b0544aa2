#pragma once
// Domain types to their JSON representation (API.md's resource shapes).
#include <boost/json/object.hpp>

#include "core/account.hpp"

namespace cunji::server {

boost::json::object to_json(const account& a);

}  // namespace cunji::server
