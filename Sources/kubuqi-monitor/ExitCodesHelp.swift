/// The exit codes, printed at the end of every command's `--help` (and the tool's), so that a cron-job
/// owner reading one command's help finds what its status means without the README.
enum ExitCodesHelp {
    /// The EXIT CODES block (as in the README's table).
    static let text = """
    EXIT CODES
      0  success
      1  internal error (a bug: please report it)
      2  usage error (unknown option, missing argument)
      3  input error (missing, unreadable or unsuitable input)
      4  output error (folder missing, not writable, disk full)
      130, 143  interrupted by SIGINT or SIGTERM (no output left behind);
                also 129 SIGHUP, 138 SIGUSR1, 140 SIGUSR2, 142 SIGALRM
    """

    /// The block as a section appended to a command's discussion.
    static let section = "\n\n" + text
}
