// xoshiro256** (Blackman & Vigna) seeded by splitmix64; FNV-1a for stable hashing.
#include <cmath>

#include "dataengine/core.hpp"

namespace dataengine {
namespace {

uint64_t splitmix64(uint64_t & x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
    for (uint64_t & word : state_) word = splitmix64(seed);
}

uint64_t Rng::next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t      = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

uint64_t Rng::below(uint64_t bound) {
    if (bound == 0) throw Error(Status::Invalid, "Rng::below: bound must be positive");
    // Rejection sampling: drop the top partial copy of [0, bound) to stay unbiased.
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t       value;
    do value = next();
    while (value >= limit);
    return value % bound;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

Rng Rng::fork(uint64_t stream) const {
    uint64_t mix = state_[0] ^ rotl(state_[2], 13) ^ (stream * 0xd1342543de82ef95ULL);
    return Rng(splitmix64(mix));
}

void IdIndex::reserve(size_t count) {
    size_t slots = 16;
    while (slots * 3 < count * 4 + 4) slots *= 2;
    if (slots > slots_.size()) grow(slots);
}

void IdIndex::grow(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    for (const Slot & slot : old) {
        if (slot.pos == npos) continue;
        size_t i = slot.hash & mask();
        while (slots_[i].pos != npos) i = (i + 1) & mask();
        slots_[i] = slot;
    }
}

uint64_t stable_hash(std::string_view text) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace dataengine
