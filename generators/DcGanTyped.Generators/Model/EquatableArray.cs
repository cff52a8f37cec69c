using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DcGanTyped.Generators.Model;

/// <summary>
/// An immutable array with value equality, so models that hold lists still compare equal between
/// generator runs and the incremental pipeline can cache them.
/// </summary>
/// <typeparam name="T">Element type; must itself have value equality.</typeparam>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[]? items;

    /// <summary>Wraps <paramref name="items"/>; the caller must not mutate the array afterwards.</summary>
    public EquatableArray(T[] items) => this.items = items;

    /// <summary>An empty array.</summary>
    public static EquatableArray<T> Empty => new([]);

    /// <inheritdoc/>
    public int Count => items?.Length ?? 0;

    /// <inheritdoc/>
    public T this[int index] => items![index];

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray() => items is null ? [] : (T[])items.Clone();

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other) => AsEnumerable().SequenceEqual(other.AsEnumerable());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        unchecked
        {
            var hash = 17;
            foreach (var item in AsEnumerable())
            {
                hash = (hash * 31) + item.GetHashCode();
            }

            return hash;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => AsEnumerable().GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<T> AsEnumerable() => items ?? Enumerable.Empty<T>();
}

/// <summary>Helpers to build <see cref="EquatableArray{T}"/>.</summary>
internal static class EquatableArray
{
    /// <summary>Copies <paramref name="items"/> into an equatable array.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> => new(items.ToArray());
}
