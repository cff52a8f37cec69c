using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>
/// Child-process tests run one at a time: each starts libtorch with its threads, and on a 2-core machine running
/// several at once only makes each slower.
/// </summary>
[CollectionDefinition("cli", DisableParallelization = true)]
public sealed class CliCollection;
