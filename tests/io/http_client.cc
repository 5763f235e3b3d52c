/// \file tests/io/http_client.cc
/// \brief The tests' blocking HTTP/1.1 client.

#include "io/http_client.h"

#include "quire/util/macros.h"

namespace quire::testing {

void TestHttpClient::Close() {
  reader_.reset();
  fd_.reset();
}

Result<HttpResponse> TestHttpClient::Send(const HttpRequest& request) {
  if (!fd_) {
    QUIRE_ASSIGN_OR_RETURN(fd_, ConnectTcp(kLoopback, port_, timeout_));
    reader_.emplace(fd_.get(), timeout_);
    ++connections_opened_;
  }
  Result<HttpResponse> response = SendOnConnection(request);
  if (!response.ok() || response->head.HasToken("Connection", "close")) {
    Close();
  }
  return response;
}

Result<HttpResponse> TestHttpClient::SendOnConnection(const HttpRequest& request) {
  std::string head = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\n", request.method,
                                 request.target, kLoopback, port_);
  for (const auto& [name, value] : request.fields) {
    head += fmt::format("{}: {}\r\n", name, value);
  }
  if (request.chunk_size > 0) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
    head += fmt::format("Content-Length: {}\r\n", request.body.size());
  }
  if (request.expect_continue) head += "Expect: 100-continue\r\n";
  head += "\r\n";
  QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), head));

  std::vector<int> interim;
  if (request.expect_continue) {
    QUIRE_ASSIGN_OR_RETURN(HttpResponse first, ReadResponse(request.method));
    if (first.status != 100) return first;  // a final answer instead of "go ahead"
    interim.push_back(first.status);
  }
  if (request.chunk_size > 0) {
    std::string_view rest = request.body;
    while (!rest.empty()) {
      std::string_view chunk = rest.substr(0, request.chunk_size);
      rest.remove_prefix(chunk.size());
      QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), fmt::format("{:x}\r\n", chunk.size())));
      QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), chunk));
      QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), "\r\n"));
    }
    QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), "0\r\n\r\n"));
  } else {
    QUIRE_RETURN_NOT_OK(SendAll(fd_.get(), request.body));
  }
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(HttpResponse response, ReadResponse(request.method));
    if (response.status >= 200) {
      interim.insert(interim.end(), response.interim.begin(), response.interim.end());
      response.interim = std::move(interim);
      return response;
    }
    interim.push_back(response.status);
  }
}

Result<HttpResponse> TestHttpClient::ReadResponse(std::string_view method) {
  QUIRE_ASSIGN_OR_RETURN(std::optional<std::string> text, reader_->ReadHead());
  if (!text) return Status::IOError("connection closed before a response");
  HttpResponse response;
  QUIRE_ASSIGN_OR_RETURN(response.head, ParseResponseHead(*text));
  response.status = response.head.status;
  QUIRE_ASSIGN_OR_RETURN(BodyFraming framing, ResponseFraming(response.head, method));
  QUIRE_RETURN_NOT_OK(TransferBody(*reader_, framing, /*raw=*/false, [&](std::string_view piece) {
    response.body.append(piece);
    return Status::OK();
  }));
  if (framing.kind == BodyFraming::Kind::kUntilClose) {
    Close();  // the body ended with the connection
  }
  return response;
}

}  // namespace quire::testing
