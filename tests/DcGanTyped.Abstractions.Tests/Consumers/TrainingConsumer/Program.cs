// dotnet add package DcGanTyped.Training; then: dotnet run -- [simd|torch] [output folder]
using DcGanTyped;
using DcGanTyped.Training;
using DcGanTyped.Training.Data;

var options = new TrainOptions
{
    Engine = args.Length > 0 ? Enum.Parse<EngineKind>(args[0], ignoreCase: true) : EngineKind.Simd,
    Out = args.Length > 1 ? args[1] : "result",
    Dataset = DatasetLoader.Shapes,
    NHidden = 16,
    BatchSize = 4,
    Iterations = 3,
    SnapshotInterval = 3,
    DisplayInterval = 1,
};
var models = new GanModels("tiny", TinyGan.GeneratorInfo, TinyGan.DiscriminatorInfo)
{
    TorchGenerator = () => new TinyGenerator.TorchModule(),
    TorchDiscriminator = () => new TinyDiscriminator.TorchModule(),
    SimdGenerator = seed => new TinyGenerator.SimdModule(seed),
    SimdDiscriminator = seed => new TinyDiscriminator.SimdModule(seed),
};
var result = new Trainer(options, models, DatasetLoader.Load(options.Dataset, options.DataDir)).Run();
Console.WriteLine($"{result.Reason} at iteration {result.Iteration}: {result.LastSnapshot}");

// z (16) -> (32, 8, 8) -> (16, 16, 16) -> an RGB image (3, 32, 32) in [0, 1].
[Network(Input = [16])]
[Linear("l0", 16, 32 * 8 * 8), BatchNorm("bn0"), ReLU, Reshape(32, 8, 8)]
[ConvTranspose2d("dc1", 32, 16, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1"), ReLU]
[ConvTranspose2d("dc2", 16, 3, Kernel = 4, Stride = 2, Pad = 1), Sigmoid]
public sealed partial record TinyGenerator;

// An image (3, 32, 32) -> (16, 16, 16) -> (32, 8, 8) -> one logit.
[Network(Input = [3, 32, 32])]
[Conv2d("c0", 3, 16, Kernel = 4, Stride = 2, Pad = 1), LeakyReLU]
[Conv2d("c1", 16, 32, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1"), LeakyReLU]
[Linear("l2", 32 * 8 * 8, 1)]
public sealed partial record TinyDiscriminator;

// The compiler checks that the generator's output is the discriminator's input.
[Gan(typeof(TinyGenerator), typeof(TinyDiscriminator))]
public static partial class TinyGan;
