#include "server/json_output.hpp"

namespace cunji::server {

boost::json::object to_json(const account& a) {
  boost::json::object o;
  o["id"] = a.id;
  o["role"] = to_string(a.role);
  o["name"] = a.name;
  o["phone"] = a.phone;
  if (a.village_id)
    o["village_id"] = *a.village_id;
  else
    o["village_id"] = nullptr;
  o["created_at"] = format_rfc3339(a.created_at);
  return o;
}

}  // namespace cunji::server
