fn main() -> std::process::ExitCode {
    scalec::cli::run()
}
