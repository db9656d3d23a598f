// Why `conlab put`, `conlab get` or `conlab bench --cluster` got no answer
// (net/client.h): in English as it always was, and in the notes' Chinese.
#include <doctest/doctest.h>

#include "net/client.h"

using namespace consensus_lab;

TEST_CASE("real mode: why a client got no answer, in English and in the notes' Chinese") {
  CHECK(net::no_answer(10'000, 9) ==
        narration::Text{"no answer from the cluster within 10000 ms (9 attempts)",
                        "集群在 10000 毫秒内没有回答（尝试了 9 次）"});
  CHECK(net::refused("B", "disk full") == narration::Text{"node B refused the request: disk full",
                                                          "节点 B 拒绝了这个请求：disk full"});

  // A cluster whose one node cannot be reached: port 1 of 127.0.0.1 refuses.
  net::Client client({{{"A", net::Endpoint{"127.0.0.1", 1}}}, "c1", 100, 50});
  const auto result = client.get("x");
  CHECK(!result.done);
  CHECK(result.error == net::no_answer(100, result.attempts));
}
