namespace DcGanTyped;

/// <summary>Base of every layer attribute. Layers run in the order their attributes appear in source.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
}

/// <summary>A named layer with parameters or state; the name becomes the field and state_dict prefix.</summary>
/// <param name="name">Field name, e.g. <c>"l0"</c>.</param>
public abstract class NamedLayerAttribute(string name) : LayerAttribute
{
    /// <summary>Field name and state_dict prefix.</summary>
    public string Name { get; } = name;
}

/// <summary>Fully connected layer (Chainer's <c>L.Linear(in, out)</c>); a multi-dimensional input is flattened first.</summary>
/// <param name="name">Field name.</param>
/// <param name="inFeatures">Input features; must equal the element count of the incoming shape.</param>
/// <param name="outFeatures">Output features.</param>
public sealed class LinearAttribute(string name, int inFeatures, int outFeatures) : NamedLayerAttribute(name)
{
    /// <summary>Input features.</summary>
    public int InFeatures { get; } = inFeatures;

    /// <summary>Output features.</summary>
    public int OutFeatures { get; } = outFeatures;

    /// <summary>Whether the layer has a bias.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>2-d convolution (Chainer's <c>L.Convolution2D(in, out, ksize, stride, pad)</c>).</summary>
/// <param name="name">Field name.</param>
/// <param name="inChannels">Input channels; must equal the incoming channel count.</param>
/// <param name="outChannels">Output channels.</param>
public sealed class Conv2dAttribute(string name, int inChannels, int outChannels) : NamedLayerAttribute(name)
{
    /// <summary>Input channels.</summary>
    public int InChannels { get; } = inChannels;

    /// <summary>Output channels.</summary>
    public int OutChannels { get; } = outChannels;

    /// <summary>Square kernel size (required).</summary>
    public int Kernel { get; set; }

    /// <summary>Stride.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zero padding on each side.</summary>
    public int Pad { get; set; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>2-d transposed convolution (Chainer's <c>L.Deconvolution2D(in, out, ksize, stride, pad)</c>).</summary>
/// <param name="name">Field name.</param>
/// <param name="inChannels">Input channels; must equal the incoming channel count.</param>
/// <param name="outChannels">Output channels.</param>
public sealed class ConvTranspose2dAttribute(string name, int inChannels, int outChannels) : NamedLayerAttribute(name)
{
    /// <summary>Input channels.</summary>
    public int InChannels { get; } = inChannels;

    /// <summary>Output channels.</summary>
    public int OutChannels { get; } = outChannels;

    /// <summary>Square kernel size (required).</summary>
    public int Kernel { get; set; }

    /// <summary>Stride.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Padding removed from each side of the output.</summary>
    public int Pad { get; set; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// Batch normalisation over the features of a vector input (1-d) or the channels of an image input (2-d);
/// the size is taken from the incoming shape.
/// </summary>
/// <param name="name">Field name.</param>
public sealed class BatchNormAttribute(string name) : NamedLayerAttribute(name)
{
    /// <summary>Added to the variance for stability (Chainer's default 2e-5).</summary>
    public double Eps { get; set; } = 2e-5;

    /// <summary>Running-average decay (Chainer's 0.9, TorchSharp momentum 1 - decay).</summary>
    public double Decay { get; set; } = 0.9;

    /// <summary>Whether a learnable scale exists; without it the scale is fixed at 1 (Chainer's <c>use_gamma=False</c>).</summary>
    public bool Gamma { get; set; } = true;
}

/// <summary>Rectified linear unit.</summary>
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>Leaky rectified linear unit.</summary>
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Slope for negative inputs.</summary>
    public double Slope { get; set; } = 0.2;
}

/// <summary>Logistic sigmoid.</summary>
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary>Reshapes each sample to the given shape; the element count must not change.</summary>
/// <param name="shape">Target shape without the batch dimension.</param>
public sealed class ReshapeAttribute(params int[] shape) : LayerAttribute
{
    /// <summary>Target shape without the batch dimension.</summary>
    public int[] Shape { get; } = shape;
}

/// <summary>Flattens each sample to a vector.</summary>
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>Adds N(0, sigma) noise in training mode; does nothing in evaluation mode.</summary>
public sealed class GaussianNoiseAttribute : LayerAttribute
{
    /// <summary>Standard deviation of the noise.</summary>
    public double Sigma { get; set; } = 0.2;
}
