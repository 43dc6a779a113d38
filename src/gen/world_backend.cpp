// The embedded world as the generator LLM: questions from the scene graph, written in free text
// as an LLM would, with a share of the mistakes real LLMs make; and the world as answer checker.
#include <mutex>
#include <unordered_map>

#include "dataengine/gen.hpp"
#include "dataengine/world.hpp"

namespace dataengine {
namespace {


Scene pool_scene(const World & world, const std::string & image_id) {
    const auto index = pool_scene_index(image_id);
    if (!index) throw Error(Status::NotFound, "world backend: '" + image_id + "' is not a world pool image (pool-NNNNNN)");
    return world.scene(Split::Pool, *index);
}

// One of a few layouts LLMs use for the same content.
std::string write_reply(const Sample & q, int letter, const std::string & rationale, int layout, bool with_choices) {
    const char * bold = layout == 2 ? "**" : "";
    std::string out = std::string(bold) + "Question:" + bold + " " + q.question + "\n";
    if (with_choices) {
        if (layout == 1) {
            out += "Options:\n";
            for (size_t k = 0; k < q.options.size(); ++k) out += std::string(1, char('A' + k)) + ". " + q.options[k] + "\n";
        } else {
            out += std::string(bold) + "Choices:" + bold;
            for (size_t k = 0; k < q.options.size(); ++k) out += std::string(" (") + char('A' + k) + ") " + q.options[k];
            out += "\n";
        }
    }
    out += std::string(bold) + "Answer:" + bold + " The answer is (" + char('A' + letter) + ")";
    if (layout == 1 && !rationale.empty()) out += " " + (letter < int(q.options.size()) ? q.options[size_t(letter)] : "") + ".\nExplanation: " + rationale;
    else if (!rationale.empty()) out += ": " + rationale;
    else out += ".";
    return out;
}

// The image's own question of a type: the first of 8 draws along a stream seeded by the image
// id. world_question_filter asks whether it exists; the backend falls back on it, so an image
// the filter lets through never comes back as a legitimate "Skip".
std::optional<Sample> image_question(const Scene & scene, std::string_view type, const std::string & image_id) {
    const Rng base(stable_hash(image_id));
    for (uint64_t attempt = 0; attempt < 8; ++attempt) {
        Rng rng = base.fork(attempt);
        if (auto q = make_question(scene, type, rng)) return q;
    }
    return std::nullopt;
}

class WorldBackend final : public LlmBackend {
public:
    WorldBackend(std::shared_ptr<const World> world, WorldBackendOptions options) : world_(std::move(world)), options_(options) {
        if (!world_) throw Error(Status::Invalid, "world backend: no world");
        if (!(options_.mistake_rate >= 0 && options_.mistake_rate <= 1))
            throw Error(Status::Invalid, "world backend: mistake_rate must be in [0, 1]");
        if (!(options_.addressed_factor >= 0 && options_.addressed_factor <= 1))
            throw Error(Status::Invalid, "world backend: addressed_factor must be in [0, 1]");
    }
    std::string name() const override { return "world"; }

    std::string complete(const GenerationRequest & request) override {
        const Scene scene = pool_scene(*world_, request.image_id);
        Rng rng(request.seed);
        std::optional<Sample> q = make_question(scene, request.type, rng);
        // The question maker picks objects at random and may pick ones that cannot be asked
        // about unambiguously; an LLM would look again before giving up.
        for (uint64_t attempt = 1; attempt < 8 && !q; ++attempt) {
            Rng again = rng.fork(attempt);
            q = make_question(scene, request.type, again);
        }
        if (!q) q = image_question(scene, request.type, request.image_id);
        if (!q) return "Skip";  // the image cannot support this type (no glyph, one object, ...)
        // One draw decides whether a mistake is due and of which kind; a kind the prompt warns
        // against survives a second draw only at addressed_factor.
        std::optional<Mistake> mistake;
        if (rng.uniform() < options_.mistake_rate) {
            mistake = all_mistakes()[rng.below(all_mistakes().size())];
            if (rng.uniform() >= options_.addressed_factor && prompt_addresses(request.prompt, *mistake)) mistake.reset();
        }
        int letter = q->answer;
        auto rationale_of = [&](const Sample & question) {
            return options_.with_rationale && !question.rationales.empty() ? question.rationales.front() : std::string();
        };
        std::string rationale = rationale_of(*q);
        const int layout = int(rng.below(3));
        switch (mistake.value_or(Mistake::WrongAnswer)) {
            case Mistake::WrongAnswer:
                if (mistake) letter = (letter + 1 + int(rng.below(q->options.size() - 1))) % int(q->options.size());
                break;
            case Mistake::AnswerNotInOptions: letter = int(q->options.size()); break;
            case Mistake::DuplicateOptions: q->options[size_t((letter + 1) % int(q->options.size()))] = q->options[size_t(letter)]; break;
            case Mistake::Coordinates: {
                const auto boxes = scene_boxes(scene);
                if (!boxes.empty()) {
                    const BoxObject & b = boxes[rng.below(boxes.size())];
                    q->question += " (The " + b.name + " is at [" + python_round_repr(b.x1, 2) + ", " + python_round_repr(b.y1, 2) +
                                   ", " + python_round_repr(b.x2, 2) + ", " + python_round_repr(b.y2, 2) + "].)";
                }
                break;
            }
            case Mistake::MissingRationale: rationale.clear(); break;
            case Mistake::Skip: return "Skip";
            case Mistake::Malformed: return write_reply(*q, letter, rationale, layout, false);
            case Mistake::OffType: {
                // A question of another type that this scene supports, as an LLM drifting off task.
                const auto & types = question_types();
                for (size_t tries = 0; tries < types.size(); ++tries) {
                    const std::string & other = types[rng.below(types.size())].name;
                    if (other == request.type) continue;
                    if (auto drifted = make_question(scene, other, rng)) {
                        q = std::move(drifted);
                        letter = q->answer;
                        rationale = rationale_of(*q);
                        break;
                    }
                }
                break;
            }
        }
        return write_reply(*q, letter, rationale, layout, true);
    }

private:
    std::shared_ptr<const World> world_;
    WorldBackendOptions          options_;
};

}  // namespace

std::function<bool(std::string_view, const PoolImage &)> world_question_filter(std::shared_ptr<const World> world) {
    if (!world) throw Error(Status::Invalid, "world_question_filter: no world");
    // ABS asks about the same (type, image) many times while it searches; remember each answer.
    struct Memo {
        std::mutex                            mutex;
        std::unordered_map<std::string, bool> known;
    };
    auto memo = std::make_shared<Memo>();
    return [world, memo](std::string_view type, const PoolImage & image) {
        const auto index = pool_scene_index(image.id);
        if (!index) return true;
        if (!world_image_supports(type, image)) return false;  // cheap first: from the boxes alone
        const std::string key = std::string(type) + "\n" + image.id;
        {
            std::lock_guard<std::mutex> lock(memo->mutex);
            if (const auto found = memo->known.find(key); found != memo->known.end()) return found->second;
        }
        const bool fits = image_question(world->scene(Split::Pool, *index), type, image.id).has_value();
        std::lock_guard<std::mutex> lock(memo->mutex);
        memo->known.emplace(key, fits);
        return fits;
    };
}

std::unique_ptr<LlmBackend> world_backend(std::shared_ptr<const World> world, WorldBackendOptions options) {
    return std::make_unique<WorldBackend>(std::move(world), options);
}

AnswerChecker world_checker(std::shared_ptr<const World> world) {
    return [world](const std::string & image_id, const std::string & type, const Sample & question) {
        if (!pool_scene_index(image_id)) return -1;  // not a world image: cannot tell
        const std::string asked = world_question_type(question.question);
        if (!asked.empty() && asked != type) return -2;
        return answer_from_scene(pool_scene(*world, image_id), question);
    };
}

}  // namespace dataengine
