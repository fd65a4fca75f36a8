// mimalloc instead of the system allocator: scalec makes many small,
// short-lived allocations (a tree node per token), and on 10,000 services
// mimalloc halves the time spent in the allocator and the kernel
// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scalec::cli::run()
}
