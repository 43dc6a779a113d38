// Reviewers: review categories, a host function, and the world's simulated careful reviewer.
#include "dataengine/ipo.hpp"
#include "dataengine/world.hpp"

namespace dataengine {

const char * review_category_name(ReviewCategory c) {
    switch (c) {
        case ReviewCategory::WrongAnswer: return "wrong_answer";
        case ReviewCategory::Ambiguous: return "ambiguous";
        case ReviewCategory::AnswerNotInOptions: return "answer_not_in_options";
        case ReviewCategory::OffType: return "off_type";
        case ReviewCategory::LeaksCoordinates: return "leaks_coordinates";
        case ReviewCategory::PoorRationale: return "poor_rationale";
        case ReviewCategory::Other: return "other";
    }
    return "other";
}

const std::vector<ReviewCategory> & all_review_categories() {
    static const std::vector<ReviewCategory> all = {ReviewCategory::WrongAnswer,   ReviewCategory::Ambiguous,
                                                    ReviewCategory::AnswerNotInOptions, ReviewCategory::OffType,
                                                    ReviewCategory::LeaksCoordinates, ReviewCategory::PoorRationale,
                                                    ReviewCategory::Other};
    return all;
}

std::optional<ReviewCategory> review_category_from_name(std::string_view name) {
    for (ReviewCategory c : all_review_categories())
        if (name == review_category_name(c)) return c;
    return std::nullopt;
}

namespace {

class FunctionReviewer final : public Reviewer {
public:
    FunctionReviewer(std::function<std::optional<Verdict>(const ReviewItem &)> fn, std::string name)
        : fn_(std::move(fn)), name_(std::move(name)) {
        if (!fn_) throw Error(Status::Invalid, "function_reviewer: no function");
    }
    std::string            name() const override { return name_; }
    std::optional<Verdict> review(const ReviewItem & item) override { return fn_(item); }

private:
    std::function<std::optional<Verdict>(const ReviewItem &)> fn_;
    std::string                                                 name_;
};

std::string option_text(const Sample & s, int k) {
    return k >= 0 && k < int(s.options.size()) ? std::string("(") + char('A' + k) + ") " + s.options[size_t(k)] : "none";
}

// Checks a sample as a careful person with the image in front of them would.
class WorldReviewer final : public Reviewer {
public:
    WorldReviewer(std::shared_ptr<const World> world, double miss_rate, uint64_t seed)
        : world_(std::move(world)), miss_rate_(miss_rate), seed_(seed) {
        if (!world_) throw Error(Status::Invalid, "world_reviewer: no world");
        if (!(miss_rate >= 0 && miss_rate <= 1)) throw Error(Status::Invalid, "world_reviewer: miss_rate must be in [0, 1]");
    }
    std::string name() const override { return "world"; }

    std::optional<Verdict> review(const ReviewItem & item) override {
        const Sample & s = item.sample;
        Verdict v = judge(item);
        // A person sometimes waves a bad sample through; the same sample always gets the same call.
        if (!v.accepted) {
            Rng rng(seed_ ^ stable_hash(s.provenance.query_image + "\n" + s.question));
            if (rng.uniform() < miss_rate_) return Verdict{true, std::nullopt, ""};
        }
        return v;
    }

private:
    Verdict judge(const ReviewItem & item) const {
        const Sample & s = item.sample;
        const std::string image = s.provenance.query_image;
        const auto index = pool_scene_index(image);
        if (!index) return {false, ReviewCategory::Other, "I cannot check this: the image is not from the world's pool."};
        const Scene scene = world_->scene(Split::Pool, *index);
        if (s.question.find('[') != std::string::npos && s.question.find(']') != std::string::npos)
            return {false, ReviewCategory::LeaksCoordinates, "The question quotes box coordinates; say where things are in words."};
        const std::string asked = world_question_type(s.question);
        if (!asked.empty() && asked != item.type)
            return {false, ReviewCategory::OffType,
                    "This is a \"" + asked + "\" question, but a \"" + item.type + "\" question was asked for."};
        if (s.answer < 0 || s.answer >= int(s.options.size()))
            return {false, ReviewCategory::AnswerNotInOptions, "The marked answer is not one of the choices."};
        const int right = answer_from_scene(scene, s);
        if (right == -1)
            return {false, ReviewCategory::Ambiguous, "I cannot tell which choice is meant from the image: the question is ambiguous."};
        if (right != s.answer)
            return {false, ReviewCategory::WrongAnswer,
                    "The marked answer " + option_text(s, s.answer) + " is wrong; the image shows " + option_text(s, right) + "."};
        if (s.rationales.empty() || s.rationales.front().size() < 8)
            return {false, ReviewCategory::PoorRationale, "The answer is right but there is no explanation of why."};
        return {true, std::nullopt, ""};
    }

    std::shared_ptr<const World> world_;
    double                       miss_rate_;
    uint64_t                     seed_;
};

}  // namespace

std::unique_ptr<Reviewer> function_reviewer(std::function<std::optional<Verdict>(const ReviewItem &)> fn, std::string name) {
    return std::make_unique<FunctionReviewer>(std::move(fn), std::move(name));
}

std::unique_ptr<Reviewer> world_reviewer(std::shared_ptr<const World> world, double miss_rate, uint64_t seed) {
    return std::make_unique<WorldReviewer>(std::move(world), miss_rate, seed);
}

}  // namespace dataengine
