using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class ShapesDatasetTests
{
    private static readonly ImageDataset Default = ShapesDataset.Create();

    [Fact]
    public void Has_the_default_size_and_is_the_same_every_time()
    {
        Assert.Equal(ShapesDataset.DefaultCount, Default.Count);
        var again = ShapesDataset.Create(200);
        for (var i = 0; i < again.Count; i++)
        {
            Assert.True(Default.GetPixels(i).SequenceEqual(again.GetPixels(i)), $"image {i} differs between two generations");
        }
    }

    [Fact]
    public void Each_image_is_drawn_independently_of_the_others()
    {
        var single = new byte[ImageDataset.ImageFloats];
        foreach (var i in new[] { 0, 1, 999, 5999 })
        {
            ShapesDataset.Render(i, single);
            Assert.True(Default.GetPixels(i).SequenceEqual(single), $"image {i} rendered alone differs");
        }
    }

    [Fact]
    public void Images_are_all_different()
    {
        var distinct = new HashSet<string>();
        for (var i = 0; i < Default.Count; i++)
        {
            distinct.Add(Convert.ToBase64String(Default.GetPixels(i)));
        }

        Assert.Equal(Default.Count, distinct.Count);
    }

    [Fact]
    public void Every_image_has_a_shape_near_the_centre_that_stands_out_from_the_background()
    {
        const int plane = 32 * 32;
        for (var i = 0; i < Default.Count; i++)
        {
            var p = Default.GetPixels(i).ToArray();
            double Channel(int c, int y, int x) => p[(c * plane) + (y * 32) + x];
            var corners = new (int Y, int X)[] { (0, 0), (0, 31), (31, 0), (31, 31) };
            var background = Enumerable.Range(0, 3).Select(c => corners.Average(k => Channel(c, k.Y, k.X))).ToArray();
            var best = 0.0;
            for (var y = 12; y < 20; y++)
            {
                for (var x = 12; x < 20; x++)
                {
                    var d = Math.Sqrt(Enumerable.Range(0, 3).Sum(c => Math.Pow(Channel(c, y, x) - background[c], 2)));
                    best = Math.Max(best, d);
                }
            }

            Assert.True(best > 100, $"image {i}: the centre differs from the corners by only {best:F1} (RGB distance)");
        }
    }

    [Fact]
    public void Edges_are_anti_aliased_and_values_scale_to_the_unit_interval()
    {
        // Anti-aliasing leaves intermediate colours along edges: more distinct values than flat shapes would give.
        var image = TestFiles.Floats(Default, 0);
        Assert.All(image, v => Assert.InRange(v, 0f, 1f));
        var p = Default.GetPixels(0);
        Assert.Equal(p[100] / 255f, image[100]);
        Assert.True(p.ToArray().Distinct().Count() > 20);
    }

    [Fact]
    public void Loads_by_name_whatever_the_case()
    {
        var dataset = DatasetLoader.Load("Shapes", dataDir: null, new DatasetLoadOptions { ShapesCount = 50 });
        Assert.Equal(50, dataset.Count);
        Assert.StartsWith("shapes", dataset.Description, StringComparison.Ordinal);
        Assert.True(dataset.GetPixels(7).SequenceEqual(Default.GetPixels(7)));
    }
}
