namespace DcGanTyped.Training.Data;

/// <summary>
/// Everything a <see cref="SerialIterator"/> needs to continue exactly where it stopped: saved in snapshots.
/// Plain values and arrays only, so any serializer (System.Text.Json included) can write it.
/// </summary>
/// <param name="Position">Index into <paramref name="Order"/> of the next example (Chainer's <c>current_position</c>).</param>
/// <param name="Epoch">Completed passes over the dataset.</param>
/// <param name="IsNewEpoch">Whether the last batch completed an epoch.</param>
/// <param name="PreviousEpochDetail">The epoch detail before the last batch, or -1 before the first batch (Chainer's convention).</param>
/// <param name="Order">The permutation of the current epoch.</param>
/// <param name="RngState">The four words of the shuffling generator's state (<see cref="Xoshiro256.GetState"/>).</param>
public sealed record IteratorState(
    int Position,
    int Epoch,
    bool IsNewEpoch,
    double PreviousEpochDetail,
    int[] Order,
    ulong[] RngState);
