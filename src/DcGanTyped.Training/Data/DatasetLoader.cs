namespace DcGanTyped.Training.Data;

/// <summary>
/// Resolves the <c>--dataset</c> and <c>--data-dir</c> options to images: <c>cifar10</c> (the default, downloaded
/// on first use), <c>shapes</c> (built in), <c>fashion-mnist</c>, or any other value as a folder of PNG/JPEG files.
/// Every failure is a <see cref="DatasetException"/> with a one-line message.
/// </summary>
public static class DatasetLoader
{
    /// <summary>CIFAR-10's training set (50,000 images), the seed's dataset.</summary>
    public const string Cifar10 = "cifar10";

    /// <summary>The built-in synthetic shapes.</summary>
    public const string Shapes = "shapes";

    /// <summary>Fashion-MNIST's training set (60,000 grey images, padded and repeated to 3 x 32 x 32).</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>
    /// The default data folder: <c>$XDG_CACHE_HOME/dcgantyped</c>, or <c>~/.cache/dcgantyped</c> when that variable
    /// is not set (the XDG base-directory convention; the same path on every platform .NET runs on).
    /// </summary>
    public static string DefaultDataDirectory
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrWhiteSpace(cache) || !Path.IsPathRooted(cache))
            {
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(cache, "dcgantyped");
        }
    }

    /// <summary>Loads a dataset by name or folder path.</summary>
    /// <param name="dataset">
    /// <c>cifar10</c>, <c>shapes</c> or <c>fashion-mnist</c> (case-insensitive), or the path of a folder of images.
    /// </param>
    /// <param name="dataDir">
    /// Where CIFAR-10 is kept (<c>&lt;dataDir&gt;/cifar-10-batches-bin</c>, downloaded there when missing; a folder
    /// that holds the <c>data_batch_*.bin</c> files itself is read as it is) and where
    /// the Fashion-MNIST files are looked for; null means <see cref="DefaultDataDirectory"/> (and, for Fashion-MNIST,
    /// Debian's <c>/usr/share/datasets/fashion-mnist</c> as well).
    /// </param>
    /// <param name="options">Reporting and download settings; null uses the defaults.</param>
    /// <param name="cancellationToken">Stops a download.</param>
    /// <exception cref="DatasetException">The dataset cannot be found, downloaded or read.</exception>
    public static ImageDataset Load(string dataset, string? dataDir, DatasetLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new DatasetLoadOptions();
        var name = dataset.Trim();
        if (name.Length == 0)
        {
            throw new DatasetException($"No dataset given: use {Cifar10}, {Shapes}, {FashionMnist} or the path of a folder of PNG/JPEG images.");
        }

        if (name.Equals(Shapes, StringComparison.OrdinalIgnoreCase))
        {
            return ShapesDataset.Create(options.ShapesCount);
        }

        if (name.Equals(Cifar10, StringComparison.OrdinalIgnoreCase))
        {
            // --data-dir may also name the batches folder itself.
            if (dataDir is not null && Cifar10Reader.HasBatches(dataDir))
            {
                return Cifar10Reader.Load(dataDir);
            }

            var folder = Cifar10Download.EnsureCifar10(dataDir ?? DefaultDataDirectory, options, cancellationToken);
            return Cifar10Reader.Load(folder);
        }

        if (name.Equals(FashionMnist, StringComparison.OrdinalIgnoreCase))
        {
            return LoadFashionMnist(dataDir, options);
        }

        // Anything else is a folder; a bare word that is not one is more likely a misspelt dataset name.
        if (!Directory.Exists(name) && name.IndexOfAny(['/', '\\']) < 0 && !name.StartsWith('.'))
        {
            throw new DatasetException(
                $"Unknown dataset '{name}': use {Cifar10}, {Shapes}, {FashionMnist} or the path of a folder of PNG/JPEG images.");
        }

        return ImageFolderReader.Load(name, options.Warning);
    }

    private static ImageDataset LoadFashionMnist(string? dataDir, DatasetLoadOptions options)
    {
        IReadOnlyList<string> folders = dataDir is not null
            ? [dataDir, Path.Combine(dataDir, FashionMnist)]
            : options.FashionMnistFolders ?? [Path.Combine(DefaultDataDirectory, FashionMnist), FashionMnistReader.DebianFolder];
        var path = FashionMnistReader.Find(folders);
        if (path is null)
        {
            throw new DatasetException(
                $"Fashion-MNIST ({FashionMnistReader.FileNames[0]}[.gz]) was not found in {string.Join(", ", folders.Select(f => $"'{Path.GetFullPath(f)}'"))}. " +
                $"Install Debian's dataset-fashion-mnist package, put the IDX files in --data-dir, or train offline with --dataset shapes.");
        }

        return FashionMnistReader.Load(path);
    }
}
