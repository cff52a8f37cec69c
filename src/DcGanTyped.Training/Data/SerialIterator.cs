namespace DcGanTyped.Training.Data;

/// <summary>
/// Chainer's <c>SerialIterator(dataset, batch_size, repeat=True, shuffle=True)</c>: visits the dataset in a
/// random order, draws a new permutation every time the order is used up, and counts an epoch at that moment.
/// A batch that crosses the end of an epoch takes the rest of the old order and fills up from the start of the
/// new one, so every batch has exactly <see cref="BatchSize"/> images. Deterministic from the seed, and its whole
/// state (including the generator's) can be exported for snapshots and imported again.
/// </summary>
public sealed class SerialIterator
{
    private readonly IImageDataset _dataset;
    private readonly bool _shuffle;
    private readonly Xoshiro256 _rng;
    private readonly int[] _order;
    private readonly int[] _indices;
    private bool _hasBatch;

    /// <summary>Creates the iterator and draws the first permutation (as Chainer's <c>reset</c> does).</summary>
    /// <param name="dataset">The images; must not be empty.</param>
    /// <param name="batchSize">Images per batch; may exceed the dataset size (the order then wraps several times).</param>
    /// <param name="seed">Seeds the shuffling generator (the command line passes <c>--seed</c>).</param>
    /// <param name="shuffle">False visits images in index order every epoch.</param>
    /// <exception cref="ArgumentException">The dataset is empty or the batch size is not positive.</exception>
    public SerialIterator(IImageDataset dataset, int batchSize, ulong seed, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dataset.Count == 0)
        {
            throw new ArgumentException("Cannot iterate over an empty dataset.", nameof(dataset));
        }

        _dataset = dataset;
        _shuffle = shuffle;
        BatchSize = batchSize;
        _rng = new Xoshiro256(seed);
        _order = new int[dataset.Count];
        _indices = new int[batchSize];
        NewOrder();
        PreviousEpochDetail = -1;
    }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Completed passes over the dataset.</summary>
    public int Epoch { get; private set; }

    /// <summary>Whether the last batch completed an epoch (a permutation was used up while taking it).</summary>
    public bool IsNewEpoch { get; private set; }

    /// <summary>Index into the current order of the next image (Chainer's <c>current_position</c>).</summary>
    public int Position { get; private set; }

    /// <summary>Fractional epochs: <see cref="Epoch"/> + <see cref="Position"/> / dataset size.</summary>
    public double EpochDetail => Epoch + (double)Position / _order.Length;

    /// <summary>The epoch detail before the last batch, or -1 before the first.</summary>
    public double PreviousEpochDetail { get; private set; }

    /// <summary>The permutation the iterator is walking through now.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>The dataset indices of the last batch (empty before the first).</summary>
    public ReadOnlySpan<int> LastIndices => _hasBatch ? _indices : default;

    /// <summary>
    /// Takes the next batch and writes its images into <paramref name="destination"/>, which must hold exactly
    /// <see cref="BatchSize"/> x <see cref="ImageDataset.ImageFloats"/> floats (NCHW). Allocates nothing.
    /// </summary>
    public void NextBatch(Span<float> destination)
    {
        if (destination.Length != BatchSize * ImageDataset.ImageFloats)
        {
            throw new ArgumentException(
                $"A batch of {BatchSize} images needs {BatchSize * ImageDataset.ImageFloats} floats; the destination has {destination.Length}.",
                nameof(destination));
        }

        NextIndices(_indices);
        for (var k = 0; k < _indices.Length; k++)
        {
            _dataset.CopyImage(_indices[k], destination.Slice(k * ImageDataset.ImageFloats, ImageDataset.ImageFloats));
        }
    }

    /// <summary>
    /// Advances like <see cref="NextBatch"/> but only writes the dataset indices of the batch into
    /// <paramref name="indices"/> (length <see cref="BatchSize"/>).
    /// </summary>
    public void NextIndices(Span<int> indices)
    {
        if (indices.Length != BatchSize)
        {
            throw new ArgumentException($"Expected {BatchSize} indices, got room for {indices.Length}.", nameof(indices));
        }

        PreviousEpochDetail = EpochDetail;
        var n = _order.Length;
        var i = Position;
        var end = i + BatchSize;
        var written = 0;
        var isNewEpoch = false;

        // Chainer's iterator_statemachine: while the batch reaches the end of the order, take the rest,
        // draw a new order and count an epoch (several times if the batch is larger than the dataset).
        while (end >= n)
        {
            _order.AsSpan(i, n - i).CopyTo(indices[written..]);
            written += n - i;
            NewOrder();
            end -= n;
            i = 0;
            Epoch++;
            isNewEpoch = true;
        }

        _order.AsSpan(i, end - i).CopyTo(indices[written..]);
        Position = end;
        IsNewEpoch = isNewEpoch;
        indices.CopyTo(_indices);
        _hasBatch = true;
    }

    /// <summary>The full state, for a snapshot.</summary>
    public IteratorState ExportState() =>
        new(Position, Epoch, IsNewEpoch, PreviousEpochDetail, (int[])_order.Clone(), _rng.GetState());

    /// <summary>Restores a state exported by an iterator over a dataset of the same size.</summary>
    /// <exception cref="ArgumentException">The state does not fit this dataset (wrong size, not a permutation, bad position).</exception>
    public void ImportState(IteratorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.Order);
        ArgumentNullException.ThrowIfNull(state.RngState);
        if (state.Order.Length != _order.Length)
        {
            throw new ArgumentException(
                $"The saved iterator walked a dataset of {state.Order.Length} images; this one has {_order.Length}.",
                nameof(state));
        }

        if (state.Position < 0 || state.Position >= _order.Length || state.Epoch < 0)
        {
            throw new ArgumentException($"The saved iterator position {state.Position} (epoch {state.Epoch}) is out of range.", nameof(state));
        }

        var seen = new bool[_order.Length];
        foreach (var index in state.Order)
        {
            if ((uint)index >= (uint)seen.Length || seen[index])
            {
                throw new ArgumentException("The saved iterator order is not a permutation of the dataset indices.", nameof(state));
            }

            seen[index] = true;
        }

        _rng.SetState(state.RngState);
        state.Order.CopyTo(_order, 0);
        Position = state.Position;
        Epoch = state.Epoch;
        IsNewEpoch = state.IsNewEpoch;
        PreviousEpochDetail = state.PreviousEpochDetail;
        _hasBatch = false;
    }

    private void NewOrder()
    {
        if (_shuffle)
        {
            _rng.Permutation(_order);
        }
        else
        {
            for (var i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }
        }
    }
}
