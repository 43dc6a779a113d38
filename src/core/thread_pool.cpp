// A fixed pool: workers pull chunk indices from a shared counter, so uneven chunks balance out.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "dataengine/core.hpp"

namespace dataengine {

int hardware_threads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

struct ThreadPool::State {
    std::vector<std::thread> workers;
    std::mutex               mutex;
    std::condition_variable  wake, done;
    bool                     stopping = false;
    uint64_t                 generation = 0;  // bumps once per parallel_for
    // The job of the current generation.
    const std::function<void(size_t, size_t)> * body = nullptr;
    size_t              count = 0, grain = 1, chunks = 0;
    std::atomic<size_t> next_chunk{0};
    size_t              active = 0;  // workers still inside the current job
    std::exception_ptr  first_error;

    void run_chunks() {
        for (;;) {
            const size_t chunk = next_chunk.fetch_add(1);
            if (chunk >= chunks) return;
            const size_t begin = chunk * grain, end = std::min(count, begin + grain);
            try {
                (*body)(begin, end);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!first_error) first_error = std::current_exception();
            }
        }
    }

    void worker_loop() {
        uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [&] { return stopping || generation != seen; });
                if (stopping) return;
                seen = generation;
            }
            run_chunks();
            std::lock_guard<std::mutex> lock(mutex);
            if (--active == 0) done.notify_all();
        }
    }
};

ThreadPool::ThreadPool(int threads) : state_(new State) {
    const int n = threads > 0 ? threads : hardware_threads();
    // The calling thread works too, so n - 1 background workers give n-way parallelism.
    for (int i = 1; i < n; ++i) state_->workers.emplace_back([this] { state_->worker_loop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake.notify_all();
    for (std::thread & worker : state_->workers) worker.join();
    delete state_;
}

int ThreadPool::size() const noexcept { return static_cast<int>(state_->workers.size()) + 1; }

void ThreadPool::parallel_for(size_t count, size_t grain,
                              const std::function<void(size_t, size_t)> & body) {
    if (count == 0) return;
    grain = std::max<size_t>(grain, 1);
    State & s = *state_;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.body   = &body;
        s.count  = count;
        s.grain  = grain;
        s.chunks = (count + grain - 1) / grain;
        s.next_chunk.store(0);
        s.active      = s.workers.size();
        s.first_error = nullptr;
        ++s.generation;
    }
    s.wake.notify_all();
    s.run_chunks();
    std::exception_ptr error;
    {
        std::unique_lock<std::mutex> lock(s.mutex);
        s.done.wait(lock, [&] { return s.active == 0; });
        error = s.first_error;
        s.body = nullptr;
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace dataengine
