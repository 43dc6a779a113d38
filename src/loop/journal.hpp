// Internal to src/loop: a backend that journals every reply to a file as it arrives and
// answers from the journal when the same request comes again (after a kill), so that a resumed
// round neither asks the LLM twice nor gets different data.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "dataengine/gen.hpp"

namespace dataengine::loop {

class JournaledBackend final : public LlmBackend {
public:
    JournaledBackend(std::shared_ptr<LlmBackend> inner, std::string path);
    ~JournaledBackend() override;
    std::string name() const override { return inner_->name(); }
    std::string complete(const GenerationRequest & request) override;
    size_t      replayed() const { return replayed_; }

private:
    std::shared_ptr<LlmBackend>        inner_;
    std::string                        path_;
    std::map<std::string, std::string> replies_;  // request key -> reply
    std::mutex                         mutex_;
    int                                fd_ = -1;
    size_t                             replayed_ = 0;
};

}  // namespace dataengine::loop
