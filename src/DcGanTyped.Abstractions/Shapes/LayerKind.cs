namespace DcGanTyped.Shapes;

/// <summary>The kinds of layer a network can declare.</summary>
#if DCGANTYPED_GENERATOR
// Internal inside the generator (which compiles this file too), so a project that sees both assemblies has one LayerKind.
internal enum LayerKind
#else
public enum LayerKind
#endif
{
    /// <summary>Fully connected layer; flattens a multi-dimensional input first, as Chainer's Linear does.</summary>
    Linear,

    /// <summary>2-d convolution.</summary>
    Conv2d,

    /// <summary>2-d transposed convolution (Chainer's Deconvolution2D).</summary>
    ConvTranspose2d,

    /// <summary>Batch normalisation over features of a vector input.</summary>
    BatchNorm1d,

    /// <summary>Batch normalisation over channels of an image input.</summary>
    BatchNorm2d,

    /// <summary>Rectified linear unit.</summary>
    ReLU,

    /// <summary>Leaky rectified linear unit.</summary>
    LeakyReLU,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>Reshape to a declared shape.</summary>
    Reshape,

    /// <summary>Flatten to a vector.</summary>
    Flatten,

    /// <summary>Additive Gaussian noise, active only in training.</summary>
    GaussianNoise,
}
