namespace DcGanTyped.Training.Data;

/// <summary>
/// A fixed set of colour images of 3 x 32 x 32 pixels with values in [0, 1], the input the DCGAN discriminator
/// sees. Implementations must be safe for concurrent reads of different or equal indices.
/// </summary>
public interface IImageDataset
{
    /// <summary>The number of images.</summary>
    int Count { get; }

    /// <summary>A one-line human-readable description: what the images are and where they came from.</summary>
    string Description { get; }

    /// <summary>
    /// Writes image <paramref name="index"/> into <paramref name="destination"/> as
    /// <see cref="ImageDataset.ImageFloats"/> floats in channel-major order (R plane, G plane, B plane; each
    /// row-major 32 x 32), scaled to [0, 1].
    /// </summary>
    void CopyImage(int index, Span<float> destination);
}
