namespace DcGanTyped.Training.Data;

/// <summary>How <see cref="DatasetLoader"/> reports what it does and where it downloads from. Defaults suit the command line.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>The official CIFAR-10 location (University of Toronto); the archive name is appended.</summary>
    public static readonly Uri OfficialCifar10BaseUri = new("https://www.cs.toronto.edu/~kriz/");

    /// <summary>The published MD5 of <c>cifar-10-binary.tar.gz</c>.</summary>
    public const string OfficialCifar10Md5 = "c32a1d4ab5d03f1284b67883e8d87530";

    /// <summary>Receives one line when some input is skipped (for example unreadable images in a folder).</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Receives one line before long work starts (for example "Downloading ...").</summary>
    public Action<string>? Info { get; init; }

    /// <summary>Receives the number of bytes downloaded so far while the CIFAR-10 archive is downloaded.</summary>
    public IProgress<long>? DownloadProgress { get; init; }

    /// <summary>Where the CIFAR-10 archive is downloaded from: the folder URL, the archive name is appended.</summary>
    public Uri Cifar10BaseUri { get; init; } = OfficialCifar10BaseUri;

    /// <summary>The expected MD5 of the archive, as hexadecimal.</summary>
    public string Cifar10Md5 { get; init; } = OfficialCifar10Md5;

    /// <summary>False fails instead of downloading when CIFAR-10 is not on disk.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>How long to wait for a connection to the download server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a download may go without receiving a byte before it is abandoned.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Folders searched for the Fashion-MNIST files when no data folder is given; null means the user's cache
    /// folder and Debian's <c>dataset-fashion-mnist</c> location.
    /// </summary>
    public IReadOnlyList<string>? FashionMnistFolders { get; init; }

    /// <summary>How many images the <c>shapes</c> dataset generates.</summary>
    public int ShapesCount { get; init; } = ShapesDataset.DefaultCount;
}
