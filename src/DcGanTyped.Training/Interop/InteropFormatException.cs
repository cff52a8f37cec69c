namespace DcGanTyped.Training.Interop;

/// <summary>
/// A foreign weight or log file (.npy, .npz, safetensors, TensorBoard events) that is malformed, unsafe or does not
/// fit the network. The message names the key (or file) and what is wrong, in one line; being a
/// <see cref="TrainingInputException"/>, the command line reports it as bad input (exit code 2).
/// </summary>
/// <param name="message">What is wrong, naming the key or shape that does not fit.</param>
public sealed class InteropFormatException(string message) : TrainingInputException(message);
